/**
 * RunFunction: the one entry point Crossplane calls. It reads the input, picks the mode from
 * the request (a composition step has an observed composite, an Operation has none), and lets
 * that mode decide and write desired state. Invalid input is a FATAL result, so Crossplane
 * applies nothing and the class in place stays.
 */
import type {
  RunFunctionRequest,
  RunFunctionResponse,
} from '@crossplane-org/function-sdk-typescript';
import type { Logger } from 'pino';

import type { Clock } from '../clock.js';
import type { Input } from '../input/prompt.js';
import { readInput } from '../input/read-input.js';
import { rulesAdvisor } from '../scaling/advisor.js';
import { noTelemetry } from '../telemetry/telemetry.js';
import type { Mode, Telemetry } from '../telemetry/telemetry.js';
import type { Advisor } from '../scaling/advisor.js';
import { runComposition } from './composition.js';
import { runOperation } from './operation.js';
import { addFatal, newResponse } from './response.js';

/** AdvisorFactory picks the advisor for one request, from its credentials and input. */
export type AdvisorFactory = (req: RunFunctionRequest, input: Input, log: Logger) => Advisor;

/** FunctionDeps are what RunFunction needs from the process that serves it. */
export interface FunctionDeps {
  /** The process logger; RunFunction derives a child per request. */
  readonly logger: Logger;
  /** The clock every time-dependent field is computed from. */
  readonly clock: Clock;
  /** The advisor for a request; unset means the built-in rules decide. */
  readonly advisorFor?: AdvisorFactory;
  /** Where decisions are counted; unset means nowhere. */
  readonly telemetry?: Telemetry;
}

/** modeOf tells a composition step, which always has an observed composite, from an Operation. */
export function modeOf(req: RunFunctionRequest): Mode {
  return req.observed?.composite?.resource === undefined ? 'operation' : 'composition';
}

/** RunFunction answers one RunFunctionRequest. */
export type RunFunction = (req: RunFunctionRequest) => Promise<RunFunctionResponse>;

/** newRunFunction builds the RunFunction for a process. */
export function newRunFunction(deps: FunctionDeps): RunFunction {
  // A logger per mode, made once: a child logger costs a few microseconds to make.
  const logs: Record<Mode, Logger> = {
    composition: deps.logger.child({ mode: 'composition' }),
    operation: deps.logger.child({ mode: 'operation' }),
  };
  return async (req) => {
    const mode = modeOf(req);
    const log = logs[mode];
    const reading = readInput(req.input);
    if (!reading.ok) {
      const rsp = newResponse(req, 60);
      addFatal(rsp, reading.message, 'InvalidInput');
      log.debug({ reason: 'InvalidInput' }, reading.message);
      return rsp;
    }
    const ctx = {
      req,
      input: reading.input,
      now: deps.clock.now(),
      advisor: deps.advisorFor?.(req, reading.input, log) ?? rulesAdvisor,
      log,
      telemetry: deps.telemetry ?? noTelemetry,
    };
    return mode === 'composition' ? runComposition(ctx) : runOperation(ctx);
  };
}
