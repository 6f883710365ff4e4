/**
 * What one call of this step works with, and the part both modes share: deciding one database
 * with the advisor under the analysis's deadline, and logging the outcome.
 */
import type { RunFunctionRequest } from '@crossplane-org/function-sdk-typescript';
import type { Logger } from 'pino';

import type { Input } from '../input/prompt.js';
import { readPerformanceMetrics } from '../resource/performance-metrics.js';
import type { SqlInstance } from '../resource/sql-instance.js';
import { rulesAdvisor } from '../scaling/advisor.js';
import type { Advisor, Subject } from '../scaling/advisor.js';
import { decide } from '../scaling/decide.js';
import type { Decision } from '../scaling/decide.js';
import type { StateReading } from '../scaling/state.js';
import type { Telemetry } from '../telemetry/telemetry.js';
import { logDecision } from './report.js';

/** StepContext is one call of this step: the request, its validated input and the time. */
export interface StepContext {
  readonly req: RunFunctionRequest;
  readonly input: Input;
  readonly now: Date;
  readonly advisor: Advisor;
  readonly log: Logger;
  readonly telemetry: Telemetry;
}

/** Target is one database to decide on, as read from the request. */
export interface Target {
  readonly subject: Subject;
  /** The raw `status.performanceMetrics`. */
  readonly performanceMetrics: unknown;
  readonly state: StateReading;
  /** The observed RDS Instance's reported class; absent when no Instance was observed. */
  readonly instance?: { readonly reportedClass?: string };
}

/**
 * subjectOf describes a composite to the deciding core: `instanceClass` is the class in effect,
 * `otherNames` further names its metrics may carry (the RDS Instance's).
 */
export function subjectOf(
  xr: SqlInstance,
  instanceClass: string,
  otherNames: readonly (string | undefined)[] = [],
): Subject {
  const names = [xr.name, ...otherNames].filter((n) => n !== undefined);
  return {
    kind: xr.kind,
    ...(xr.namespace !== undefined && { namespace: xr.namespace }),
    name: xr.name,
    ...(xr.engine !== undefined && { engine: xr.engine }),
    ...(xr.region !== undefined && { region: xr.region }),
    instanceClass,
    databaseNames: [...new Set(names)],
  };
}

/** logFor scopes the logger to one composite. */
export function logFor(ctx: StepContext, xr: SqlInstance): Logger {
  return ctx.log.child({ kind: xr.kind, namespace: xr.namespace, name: xr.name });
}

/** analyse decides one database and logs the outcome under the caller's logger. */
export async function analyse(ctx: StepContext, target: Target, log: Logger): Promise<Decision> {
  const deadline = ctx.advisor === rulesAdvisor ? undefined : startDeadline(ctx.input);
  const decision = await decide({
    now: ctx.now,
    policy: ctx.input.policy,
    subject: target.subject,
    metrics: readPerformanceMetrics(target.performanceMetrics),
    state: target.state,
    ...(target.instance !== undefined && { instance: target.instance }),
    advisor: ctx.advisor,
    signal: deadline?.signal ?? NEVER_ABORTED,
  }).finally(() => {
    deadline?.clear();
  });
  const previous = target.state.ok ? target.state.state.recommendedClass : undefined;
  const recommended = decision.recommendedClass;
  logDecision(log, decision, recommended !== undefined && recommended !== previous);
  ctx.telemetry.decision(decision);
  return decision;
}

// The built-in rules answer at once and never look at the signal, so they get no deadline.
const NEVER_ABORTED = new AbortController().signal;

/**
 * startDeadline starts the analysis's deadline, a timer cleared once the decision is made:
 * AbortSignal.timeout would keep each call's timer and signal alive for the whole timeout,
 * however quickly the call ends.
 */
function startDeadline(input: Input): { readonly signal: AbortSignal; clear(): void } {
  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort(new DOMException('the analysis deadline passed', 'TimeoutError'));
  }, input.advisor.timeoutSeconds * 1000);
  return {
    signal: controller.signal,
    clear: () => {
      clearTimeout(timer);
    },
  };
}

/** ownAnnotations keeps only this function's annotations, to carry them forward unchanged. */
export function ownAnnotations(
  annotations: Readonly<Record<string, string>>,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(annotations).filter(([key]) => key.startsWith('intelligent-scaling/')),
  );
}
