/**
 * RunFunction: the one entry point Crossplane calls. It reads the input, finds the targets,
 * decides, and writes desired state; every failure becomes a result, never an exception.
 */
import { to } from '@crossplane-org/function-sdk-typescript';
import type {
  RunFunctionRequest,
  RunFunctionResponse,
} from '@crossplane-org/function-sdk-typescript';
import type { Logger } from 'pino';

import type { Clock } from '../clock.js';

/** FunctionDeps are what RunFunction needs from the process that serves it. */
export interface FunctionDeps {
  /** The process logger; RunFunction derives a child per request. */
  readonly logger: Logger;
  /** The clock every time-dependent field is computed from. */
  readonly clock: Clock;
}

/** RunFunction answers one RunFunctionRequest. It resolves; it never rejects. */
export type RunFunction = (req: RunFunctionRequest) => Promise<RunFunctionResponse>;

/** newRunFunction builds the RunFunction for a process. */
export function newRunFunction(_deps: FunctionDeps): RunFunction {
  // TODO(core): decide and write desired state; this placeholder passes everything through.
  return (req) => Promise.resolve(to(req));
}
