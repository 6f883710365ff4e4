/**
 * Telemetry on Prometheus: every metric in one Registry of its own (never prom-client's global
 * one), named function_intelligent_scaling_*, beside the process defaults. Label values come
 * from closed sets only; resource and model names, which users choose, are never labels.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

import type { TokenUsage } from '../scaling/advisor.js';
import type { Decision, SkipReason } from '../scaling/decide.js';
import type { CallOutcome, Mode, Telemetry } from './telemetry.js';

/** METRIC_PREFIX starts the name of every metric this function defines. */
export const METRIC_PREFIX = 'function_intelligent_scaling_';

/** PrometheusTelemetry is Telemetry that keeps what it records in a registry to serve. */
export interface PrometheusTelemetry extends Telemetry {
  /** The registry holding every metric, for the /metrics endpoint. */
  readonly registry: Registry;
}

// From a sub-millisecond rules decision to a model call that ran into its 20 s deadline.
const CALL_SECONDS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30,
];
const MODEL_SECONDS = [0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 20, 30, 60];

const SKIP_REASONS: Readonly<Record<SkipReason, string>> = {
  InvalidState: 'invalid_state',
  UnknownClass: 'unknown_class',
  UnusableMetrics: 'unusable_metrics',
  RateLimited: 'rate_limited',
  PendingResize: 'pending_resize',
};

const VERDICT_ACTIONS = { ScaleUp: 'scale_up', ScaleDown: 'scale_down', NoChange: 'no_change' };

const TOKEN_KINDS: readonly (readonly [string, keyof TokenUsage])[] = [
  ['input', 'inputTokens'],
  ['output', 'outputTokens'],
  ['cache_read', 'cacheReadTokens'],
  ['cache_write', 'cacheWriteTokens'],
];

type DecisionLabel = 'action' | 'reason' | 'advisor' | 'recommend_only';

/**
 * decisionLabels reads the labels of one decision. A resize verdict that leaves the class as it
 * was is recommend-only mode's recommendation: it counts under its verdict, marked as such.
 */
function decisionLabels(decision: Decision): Record<DecisionLabel, string> {
  const advisor = decision.decidedBy.startsWith('claude/') ? 'claude' : 'rules';
  const skipped = (reason: string) => ({
    action: 'skipped',
    reason,
    advisor,
    recommend_only: 'false',
  });
  if (decision.skipReason !== undefined) return skipped(SKIP_REASONS[decision.skipReason]);
  if (decision.blockedByCooldown === true) return skipped('cooldown');
  const resize = decision.verdict !== 'NoChange';
  return {
    action: VERDICT_ACTIONS[decision.verdict],
    reason: 'none',
    advisor,
    recommend_only: String(resize && decision.toClass === decision.fromClass),
  };
}

/** newPrometheusTelemetry registers every metric, and the process defaults, in a new registry. */
export function newPrometheusTelemetry(): PrometheusTelemetry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const calls = new Counter({
    name: `${METRIC_PREFIX}run_function_calls_total`,
    help: 'RunFunction calls answered, by how Crossplane called the step and how the call ended',
    labelNames: ['mode', 'outcome'] as const,
    registers,
  });
  const callSeconds = new Histogram({
    name: `${METRIC_PREFIX}run_function_duration_seconds`,
    help: 'Time to answer one RunFunction call, response encoding included',
    labelNames: ['mode', 'outcome'] as const,
    buckets: CALL_SECONDS,
    registers,
  });
  const decisions = new Counter({
    name: `${METRIC_PREFIX}decisions_total`,
    help: 'Databases decided on, by action, skip reason, advisor, and whether recommend-only mode held the resize back',
    labelNames: ['action', 'reason', 'advisor', 'recommend_only'] as const,
    registers,
  });
  const fallbacks = new Counter({
    name: `${METRIC_PREFIX}advisor_fallbacks_total`,
    help: "Decisions the rules made because the model gave no usable advice, by cause; 'refused' when the guardrails refused it",
    labelNames: ['cause'] as const,
    registers,
  });
  const modelRequests = new Counter({
    name: `${METRIC_PREFIX}model_requests_total`,
    help: "Requests to the model, by outcome: 'ok' or why it gave no advice",
    labelNames: ['outcome'] as const,
    registers,
  });
  const modelSeconds = new Histogram({
    name: `${METRIC_PREFIX}model_request_duration_seconds`,
    help: 'Time one request to the model took, retries included, by outcome',
    labelNames: ['outcome'] as const,
    buckets: MODEL_SECONDS,
    registers,
  });
  const tokens = new Counter({
    name: `${METRIC_PREFIX}model_tokens_total`,
    help: 'Tokens the model used, by kind',
    labelNames: ['kind'] as const,
    registers,
  });
  const inFlight = new Gauge({
    name: `${METRIC_PREFIX}model_calls_in_flight`,
    help: 'Model calls running now',
    registers,
  });
  // Series that exist from the start let rate() and absence alerts work before the first call.
  for (const mode of ['composition', 'operation'] satisfies Mode[]) {
    for (const outcome of ['ok', 'fatal', 'error'] satisfies CallOutcome[]) {
      calls.inc({ mode, outcome }, 0);
    }
  }
  return {
    registry,
    runFunction: (mode, outcome, durationMs) => {
      calls.inc({ mode, outcome });
      callSeconds.observe({ mode, outcome }, durationMs / 1000);
    },
    decision: (decision) => {
      decisions.inc(decisionLabels(decision));
      if (decision.fallback !== undefined) fallbacks.inc({ cause: decision.fallback.cause });
      if (decision.refused !== undefined) fallbacks.inc({ cause: 'refused' });
    },
    modelRequest: (_model, outcome, durationMs, usage) => {
      modelRequests.inc({ outcome });
      modelSeconds.observe({ outcome }, durationMs / 1000);
      for (const [kind, field] of TOKEN_KINDS) {
        if (usage !== undefined && usage[field] > 0) tokens.inc({ kind }, usage[field]);
      }
    },
    modelCallsInFlight: (count) => {
      inFlight.set(count);
    },
  };
}
