/**
 * The FunctionRunnerService handler. It awaits RunFunction and sends its response; if
 * RunFunction ever throws, or answers with something that cannot be sent, the answer is a FATAL
 * result, so no exception reaches the wire and Crossplane applies nothing.
 */
import type * as grpc from '@grpc/grpc-js';
import {
  FunctionRunnerServiceService,
  Severity,
  fatal,
  to,
} from '@crossplane-org/function-sdk-typescript';
import type {
  RunFunctionRequest,
  RunFunctionResponse,
} from '@crossplane-org/function-sdk-typescript';
import type { Logger } from 'pino';

import { modeOf } from '../function/run-function.js';
import type { RunFunction } from '../function/run-function.js';
import { noTelemetry } from '../telemetry/telemetry.js';
import type { CallOutcome, Telemetry } from '../telemetry/telemetry.js';

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
  /** Where each call is counted; unset means nowhere. */
  readonly telemetry?: Telemetry;
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

/** Answer is an encoded response and how the call ended, for telemetry. */
interface Answer {
  readonly encoded: Buffer;
  readonly outcome: CallOutcome;
}

/** answer runs RunFunction, encodes its response and counts the call; it never rejects. */
async function answer(req: RunFunctionRequest, deps: HandlerDeps): Promise<Buffer> {
  const started = performance.now();
  const { encoded, outcome } = await run(req, deps, started);
  const telemetry = deps.telemetry ?? noTelemetry;
  telemetry.runFunction(modeOf(req), outcome, performance.now() - started);
  return encoded;
}

/** run runs RunFunction and encodes its response, or a FATAL result when that fails. */
async function run(req: RunFunctionRequest, deps: HandlerDeps, started: number): Promise<Answer> {
  const { logger, maxSendMessageBytes } = deps;
  const tag = req.meta?.tag ?? '';
  try {
    const rsp = await deps.runFunction(req);
    const encoded = encode(rsp);
    const durationMs = Math.round(performance.now() - started);
    if (encoded.length > maxSendMessageBytes) {
      logger.error({ tag, durationMs, responseBytes: encoded.length }, 'response too large');
      const message = `cannot send response: it is ${encoded.length} bytes, over the limit of ${maxSendMessageBytes}`;
      return { encoded: encodeFatal(req, message), outcome: 'fatal' };
    }
    logger.debug({ tag, durationMs }, 'answered RunFunction');
    const isFatal = rsp.results.some((r) => r.severity === Severity.SEVERITY_FATAL);
    return { encoded, outcome: isFatal ? 'fatal' : 'ok' };
  } catch (err) {
    const durationMs = Math.round(performance.now() - started);
    logger.error({ err, tag, durationMs }, 'RunFunction failed; answering with a FATAL result');
    return { encoded: encodeFatal(req, INTERNAL_ERROR_MESSAGE), outcome: 'error' };
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
