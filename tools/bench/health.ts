/** grpc.health.v1 Check calls against a server, timed, for the model-path scenario. */
import * as grpc from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';

const HealthClient = grpc.makeGenericClientConstructor(healthService, 'Health');

/** HealthCheck is one Check call: how long it took and what it said (or its error). */
export interface HealthCheck {
  readonly ms: number;
  /** SERVING, NOT_SERVING, ... or the gRPC error's message. */
  readonly status: string;
}

/** HealthProbe sends Check calls over one channel. */
export interface HealthProbe {
  check(timeoutMs: number): Promise<HealthCheck>;
  close(): void;
}

const STATUS_NAMES = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'];

function statusName(response: unknown): string {
  const status: unknown =
    typeof response === 'object' && response !== null
      ? (response as { status?: unknown }).status
      : undefined;
  if (typeof status === 'string') return status;
  if (typeof status === 'number') return STATUS_NAMES[status] ?? String(status);
  return 'no status';
}

/** newHealthProbe connects to address without TLS; checks ask about the server as a whole. */
export function newHealthProbe(address: string): HealthProbe {
  const client = new HealthClient(address, grpc.credentials.createInsecure());
  const method = healthService['Check'];
  if (method === undefined) throw new Error('grpc-health-check has no Check method');
  return {
    check: (timeoutMs) => {
      const started = performance.now();
      return new Promise((resolve) => {
        client.makeUnaryRequest(
          method.path,
          method.requestSerialize,
          method.responseDeserialize,
          { service: '' },
          { deadline: Date.now() + timeoutMs },
          (err, response) => {
            const ms = performance.now() - started;
            resolve({ ms, status: err === null ? statusName(response) : err.message });
          },
        );
      });
    },
    close: () => {
      client.close();
    },
  };
}
