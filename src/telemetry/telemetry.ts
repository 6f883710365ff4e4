/**
 * Telemetry is what the function reports about itself, behind a small interface so the
 * deciding code never depends on a metrics library, and tests can count what was reported.
 */
import type { FallbackCause, TokenUsage } from '../scaling/advisor.js';
import type { Decision } from '../scaling/decide.js';

/** Mode is how Crossplane called the step. */
export type Mode = 'composition' | 'operation';

/** CallOutcome is how one RunFunction call ended. */
export type CallOutcome = 'ok' | 'fatal' | 'error';

/** ModelOutcome is how one model request ended. */
export type ModelOutcome = 'ok' | FallbackCause;

/** Telemetry records what the function did. Every method is cheap and never throws. */
export interface Telemetry {
  /** runFunction records one RunFunction call. */
  runFunction(mode: Mode | 'unknown', outcome: CallOutcome, durationMs: number): void;
  /** decision records one database decided (or skipped), with who decided. */
  decision(decision: Decision): void;
  /** modelRequest records one request to the model, with its tokens when it answered. */
  modelRequest(model: string, outcome: ModelOutcome, durationMs: number, usage?: TokenUsage): void;
  /** modelCallsInFlight reports how many model calls are running now. */
  modelCallsInFlight(count: number): void;
}

/** noTelemetry records nothing. */
export const noTelemetry: Telemetry = {
  runFunction: () => undefined,
  decision: () => undefined,
  modelRequest: () => undefined,
  modelCallsInFlight: () => undefined,
};
