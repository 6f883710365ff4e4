/**
 * Typed gRPC clients for end-to-end tests: FunctionRunnerService built from the SDK's service
 * definition, and grpc.health.v1 built from grpc-health-check's, insecure or with client
 * certificates. Calls return promises; a failed call rejects with the grpc.ServiceError, whose
 * `code` is a grpc.status.
 */
import * as grpc from '@grpc/grpc-js';
import { FunctionRunnerServiceService } from '@crossplane-org/function-sdk-typescript';
import type {
  RunFunctionRequest,
  RunFunctionResponse,
} from '@crossplane-org/function-sdk-typescript';
import { service as healthService } from 'grpc-health-check';
import { z } from 'zod';

import type { KeyPair } from './certificates.js';

/** CallOptions tune one call. */
export interface CallOptions {
  /** How long the call may take before it fails with DEADLINE_EXCEEDED; default 10 000 ms. */
  readonly deadlineMs?: number;
}

/** FunctionClient calls FunctionRunnerService. */
export interface FunctionClient {
  /** runFunction sends one RunFunctionRequest and resolves with the response. */
  runFunction(req: RunFunctionRequest, options?: CallOptions): Promise<RunFunctionResponse>;
  /** close closes the client's connection. */
  close(): void;
}

/** ServingStatus is what the health service reports for a service name. */
export type ServingStatus = z.infer<typeof healthResponse>['status'];

/** HealthClient calls grpc.health.v1.Health. */
export interface HealthClient {
  /** check asks for the status of service; "" (the default) is the whole server. */
  check(service?: string, options?: CallOptions): Promise<ServingStatus>;
  /** close closes the client's connection. */
  close(): void;
}

const DEFAULT_DEADLINE_MS = 10_000;

// Each client gets its own connection, so a trusted client's connection is never reused by a
// client with other credentials, and large test messages are limited only by the server. The
// server certificate names localhost; checking that name, rather than the IP address dialled,
// keeps Node from warning that TLS server names must not be IP addresses.
const CLIENT_OPTIONS: grpc.ClientOptions = {
  'grpc.use_local_subchannel_pool': 1,
  'grpc.ssl_target_name_override': 'localhost',
  'grpc.max_receive_message_length': -1,
  'grpc.max_send_message_length': -1,
};

/** insecureCredentials connect without TLS, as to a server started with --insecure. */
export function insecureCredentials(): grpc.ChannelCredentials {
  return grpc.credentials.createInsecure();
}

/** TlsOptions choose whom a TLS client trusts and which certificate, if any, it presents. */
export interface TlsOptions {
  /** The PEM CA certificate that signed the server's certificate. */
  readonly ca: string;
  /** The client certificate and key to present; none when absent. */
  readonly client?: KeyPair;
}

/** tlsCredentials connect with TLS, presenting a client certificate when one is given. */
export function tlsCredentials(options: TlsOptions): grpc.ChannelCredentials {
  const { ca, client } = options;
  return client === undefined
    ? grpc.credentials.createSsl(Buffer.from(ca))
    : grpc.credentials.createSsl(
        Buffer.from(ca),
        Buffer.from(client.key),
        Buffer.from(client.cert),
      );
}

const FunctionRunnerClient = grpc.makeGenericClientConstructor(
  FunctionRunnerServiceService,
  'FunctionRunnerService',
);

/** newFunctionClient connects a FunctionClient to address, e.g. "127.0.0.1:40123". */
export function newFunctionClient(
  address: string,
  credentials: grpc.ChannelCredentials,
): FunctionClient {
  const client = new FunctionRunnerClient(address, credentials, CLIENT_OPTIONS);
  const method = FunctionRunnerServiceService.runFunction;
  return {
    runFunction: (req, options) =>
      unary(client, options, (metadata, callOptions, callback) =>
        client.makeUnaryRequest(
          method.path,
          method.requestSerialize,
          method.responseDeserialize,
          req,
          metadata,
          callOptions,
          callback,
        ),
      ),
    close: () => {
      client.close();
    },
  };
}

const HealthGrpcClient = grpc.makeGenericClientConstructor(healthService, 'Health');

const healthResponse = z.object({
  status: z.enum(['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN']),
});

/** newHealthClient connects a HealthClient to address. */
export function newHealthClient(
  address: string,
  credentials: grpc.ChannelCredentials,
): HealthClient {
  const client = new HealthGrpcClient(address, credentials, CLIENT_OPTIONS);
  const method = healthService['Check'];
  if (method === undefined) {
    throw new Error('grpc-health-check has no Check method');
  }
  return {
    check: async (service = '', options) => {
      const response = await unary(client, options, (metadata, callOptions, callback) =>
        client.makeUnaryRequest(
          method.path,
          method.requestSerialize,
          method.responseDeserialize,
          { service },
          metadata,
          callOptions,
          callback,
        ),
      );
      return healthResponse.parse(response).status;
    },
    close: () => {
      client.close();
    },
  };
}

type UnaryCallback<T> = (err: grpc.ServiceError | null, value?: T) => void;

/** unary adapts one callback-style unary call to a promise with a deadline. */
function unary<T>(
  client: grpc.Client,
  options: CallOptions | undefined,
  call: (
    metadata: grpc.Metadata,
    callOptions: grpc.CallOptions,
    callback: UnaryCallback<T>,
  ) => void,
): Promise<T> {
  const deadline = Date.now() + (options?.deadlineMs ?? DEFAULT_DEADLINE_MS);
  return new Promise((resolve, reject) => {
    call(new grpc.Metadata(), { deadline }, (err, value) => {
      if (err !== null) {
        reject(err);
      } else if (value === undefined) {
        reject(new Error(`${client.getChannel().getTarget()} answered with no message`));
      } else {
        resolve(value);
      }
    });
  });
}
