/**
 * The FunctionRunnerService handler. It awaits RunFunction and sends its response; if
 * RunFunction ever throws, or answers with something that cannot be sent, the answer is a FATAL
 * result, so no exception reaches the wire and Crossplane applies nothing.
 */
import type * as grpc from '@grpc/grpc-js';
import { FunctionRunnerServiceService, fatal, to } from '@crossplane-org/function-sdk-typescript';
import type {
  RunFunctionRequest,
  RunFunctionResponse,
} from '@crossplane-org/function-sdk-typescript';
import type { Logger } from 'pino';

import type { RunFunction } from '../function/run-function.js';

/** INTERNAL_ERROR_MESSAGE is the FATAL result sent when RunFunction fails unexpectedly. */
export const INTERNAL_ERROR_MESSAGE = 'cannot run function: internal error';

const encode = FunctionRunnerServiceService.runFunction.responseSerialize;

/**
 * functionRunnerDefinition is the SDK's service definition with responses encoded by the
 * handler, so an encoding failure is caught while a FATAL result can still be sent instead.
 */
export const functionRunnerDefinition = {
  runFunction: {
    ...FunctionRunnerServiceService.runFunction,
    responseSerialize: (encoded: Buffer): Buffer => encoded,
  },
} satisfies grpc.ServiceDefinition;

/** HandlerDeps are what the handler needs to answer a call. */
export interface HandlerDeps {
  readonly runFunction: RunFunction;
  readonly logger: Logger;
  /** The largest response gRPC will send, in bytes. */
  readonly maxSendMessageBytes: number;
}

/** functionRunnerHandlers implements functionRunnerDefinition over a RunFunction. */
export function functionRunnerHandlers(deps: HandlerDeps): grpc.UntypedServiceImplementation {
  const runFunction: grpc.handleUnaryCall<RunFunctionRequest, Buffer> = (call, callback) => {
    void answer(call.request, deps).then((encoded) => {
      callback(null, encoded);
    });
  };
  return { runFunction };
}

/** answer runs RunFunction and encodes its response; it never rejects. */
async function answer(req: RunFunctionRequest, deps: HandlerDeps): Promise<Buffer> {
  const { logger, maxSendMessageBytes } = deps;
  const tag = req.meta?.tag ?? '';
  const started = performance.now();
  try {
    const encoded = encode(await deps.runFunction(req));
    const durationMs = Math.round(performance.now() - started);
    if (encoded.length > maxSendMessageBytes) {
      logger.error({ tag, durationMs, responseBytes: encoded.length }, 'response too large');
      const message = `cannot send response: it is ${encoded.length} bytes, over the limit of ${maxSendMessageBytes}`;
      return encodeFatal(req, message);
    }
    logger.debug({ tag, durationMs }, 'answered RunFunction');
    return encoded;
  } catch (err) {
    const durationMs = Math.round(performance.now() - started);
    logger.error({ err, tag, durationMs }, 'RunFunction failed; answering with a FATAL result');
    return encodeFatal(req, INTERNAL_ERROR_MESSAGE);
  }
}

/** encodeFatal answers req with one FATAL result. */
function encodeFatal(req: RunFunctionRequest, message: string): Buffer {
  const rsp: RunFunctionResponse = fatal(to(req), message);
  try {
    return encode(rsp);
  } catch {
    // A failed RunFunction may have left req.desired unencodable; a FATAL result needs none.
    return encode({ ...rsp, desired: undefined, context: undefined });
  }
}
