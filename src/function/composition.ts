/**
 * Composition mode. Crossplane applies only the status of the desired composite, so the class
 * takes effect on the composed RDS Instance: this step sets its instanceClass in desired state,
 * keeps its state in the Instance's annotations, and reports in the composite's status. Earlier
 * steps write the composite's own class into the Instance on every reconcile, so the class this
 * function chose is written again every call; a user's edit of that class wins.
 */
import { Ready, Severity } from '@crossplane-org/function-sdk-typescript';
import type { Resource, RunFunctionResponse } from '@crossplane-org/function-sdk-typescript';

import { isRecord } from '../resource/kube-object.js';
import { isRdsInstance, readRdsInstance } from '../resource/rds-instance.js';
import type { RdsInstance } from '../resource/rds-instance.js';
import { readSqlInstance } from '../resource/sql-instance.js';
import type { SqlInstance } from '../resource/sql-instance.js';
import type { Decision } from '../scaling/decide.js';
import { readState, writeState } from '../scaling/state.js';
import type { ScalingState, StateReading } from '../scaling/state.js';
import { formatRfc3339 } from '../time.js';
import { reportDecision } from './report.js';
import { addFatal, addResult, newResponse, setTtl } from './response.js';
import { analyse, logFor, ownAnnotations, subjectOf } from './step.js';
import type { StepContext } from './step.js';

/** STATUS_FIELD is the composite status field this function reports in. */
export const STATUS_FIELD = 'intelligentScaling';

/** The context key and status field a metrics step writes. */
const METRICS_KEY = 'performanceMetrics';

/** Problems that are worth a WARNING when they first appear, and silence while they last. */
const WARN_ON = new Set(['UnusableMetrics', 'InvalidState', 'UnknownClass', 'NoInstance']);

type JsonObject = Record<string, unknown>;

function field(object: unknown, ...path: string[]): unknown {
  let value = object;
  for (const key of path) value = isRecord(value) ? value[key] : undefined;
  return value;
}

/** metricsFor prefers a metrics step's fresh output in this pipeline over the observed status. */
function metricsFor(ctx: StepContext, xr: SqlInstance): unknown {
  const desired = field(ctx.req.desired?.composite?.resource, 'status', METRICS_KEY);
  return desired ?? xr.performanceMetrics ?? ctx.req.context?.[METRICS_KEY];
}

function findInstance(resources: Record<string, Resource>): { key: string } | { problem: string } {
  const keys = Object.keys(resources).filter((key) => isRdsInstance(resources[key]?.resource));
  const [key, ...others] = keys;
  if (key === undefined) {
    return {
      problem:
        'no RDS Instance among the desired composed resources; compose one in an earlier step',
    };
  }
  if (others.length > 0) {
    return {
      problem: `more than one RDS Instance among the desired composed resources: ${keys.map((k) => `"${k}"`).join(', ')}`,
    };
  }
  return { key };
}

interface Status {
  readonly instanceClass?: string;
  readonly state?: ScalingState;
  readonly skipped?: { readonly reason: string; readonly message: string };
}

function setStatus(
  ctx: StepContext,
  rsp: RunFunctionResponse,
  xr: SqlInstance,
  status: Status,
): void {
  const state = status.state;
  const time = (instant: Date | undefined) => (instant === undefined ? {} : formatRfc3339(instant));
  const report: JsonObject = {
    ...(status.instanceClass !== undefined && { instanceClass: status.instanceClass }),
    ...(state?.lastAnalyzed !== undefined && { lastAnalyzed: time(state.lastAnalyzed) }),
    ...(state?.lastScaled !== undefined && { lastScaled: time(state.lastScaled) }),
    ...(state?.lastDecision !== undefined && { lastDecision: state.lastDecision }),
    ...(state?.decidedBy !== undefined && { decidedBy: state.decidedBy }),
    ...(state?.recommendedClass !== undefined && { recommendedClass: state.recommendedClass }),
    ...(status.skipped !== undefined && { skipped: status.skipped }),
  };
  const desired = rsp.desired ?? { composite: undefined, resources: {} };
  const composite = desired.composite;
  const body: JsonObject = composite?.resource ?? { apiVersion: xr.apiVersion, kind: xr.kind };
  body['status'] = { ...(isRecord(body['status']) ? body['status'] : {}), [STATUS_FIELD]: report };
  desired.composite = {
    resource: body,
    connectionDetails: composite?.connectionDetails ?? {},
    ready: composite?.ready ?? Ready.READY_UNSPECIFIED,
  };
  rsp.desired = desired;
  const previous = field(
    ctx.req.observed?.composite?.resource,
    'status',
    STATUS_FIELD,
    'skipped',
    'reason',
  );
  if (
    status.skipped !== undefined &&
    WARN_ON.has(status.skipped.reason) &&
    previous !== status.skipped.reason
  ) {
    addResult(
      rsp,
      Severity.SEVERITY_WARNING,
      `cannot resize: ${status.skipped.message}`,
      status.skipped.reason,
    );
  }
}

/** classOverride records the class this function chose, or nothing when it equals the base. */
function classOverride(
  toClass: string,
  base: string,
): Pick<ScalingState, 'instanceClass' | 'baseClass'> {
  return toClass === base ? {} : { instanceClass: toClass, baseClass: base };
}

/** currentClass is the class in effect: this function's choice, unless the base moved since. */
function currentClass(
  reading: StateReading,
  base: string,
  observed: RdsInstance | undefined,
): string {
  if (!reading.ok) return observed?.requestedClass ?? base;
  const { instanceClass, baseClass } = reading.state;
  return instanceClass !== undefined && baseClass === base ? instanceClass : base;
}

function writeInstance(
  instance: JsonObject,
  decision: Decision,
  base: string,
  observed: RdsInstance | undefined,
): ScalingState | undefined {
  const spec = isRecord(instance['spec']) ? instance['spec'] : {};
  const forProvider = isRecord(spec['forProvider']) ? spec['forProvider'] : {};
  instance['spec'] = { ...spec, forProvider: { ...forProvider, instanceClass: decision.toClass } };
  const metadata = isRecord(instance['metadata']) ? instance['metadata'] : {};
  const existing = isRecord(metadata['annotations']) ? metadata['annotations'] : {};
  const { instanceClass: _, baseClass: __, ...rest } = decision.state ?? { lastTriggers: [] };
  const state = decision.state && { ...rest, ...classOverride(decision.toClass, base) };
  const ours = state ? writeState(state) : ownAnnotations(observed?.annotations ?? {});
  instance['metadata'] = { ...metadata, annotations: { ...existing, ...ours } };
  return state;
}

/** runComposition decides the composite's database and writes the class onto its RDS Instance. */
export async function runComposition(ctx: StepContext): Promise<RunFunctionResponse> {
  const { req, input } = ctx;
  const rsp = newResponse(req, input.policy.analysisIntervalSeconds);
  const xrReading = readSqlInstance(req.observed?.composite?.resource);
  if (!xrReading.ok) {
    const message = `cannot read the composite resource: ${xrReading.problem}`;
    ctx.log.debug({ reason: 'InvalidComposite' }, message);
    addFatal(rsp, message, 'InvalidComposite');
    return rsp;
  }
  const xr = xrReading.value;
  const log = logFor(ctx, xr);
  const resources = rsp.desired?.resources ?? {};
  const found = findInstance(resources);
  if ('problem' in found) {
    setStatus(ctx, rsp, xr, { skipped: { reason: 'NoInstance', message: found.problem } });
    log.debug({ reason: 'NoInstance' }, found.problem);
    return rsp;
  }
  const desiredInstance = resources[found.key]?.resource ?? {};
  const observedRaw = req.observed?.resources[found.key]?.resource;
  const observedReading = observedRaw === undefined ? undefined : readRdsInstance(observedRaw);
  if (observedReading?.ok === false) {
    const message = `cannot read the observed RDS Instance "${found.key}": ${observedReading.problem}`;
    log.debug({ reason: 'InvalidInstance' }, message);
    addFatal(rsp, message, 'InvalidInstance');
    return rsp;
  }
  const observed = observedReading?.value;
  const base = field(desiredInstance, 'spec', 'forProvider', 'instanceClass') ?? xr.instanceClass;
  if (typeof base !== 'string') {
    const message = `no instance class: neither the RDS Instance "${found.key}" nor spec.parameters.instanceClass sets one`;
    log.debug({ reason: 'UnknownClass' }, message);
    setStatus(ctx, rsp, xr, { skipped: { reason: 'UnknownClass', message } });
    return rsp;
  }
  const stateReading = readState(observed?.annotations);
  const decision = await analyse(
    ctx,
    {
      subject: subjectOf(xr, currentClass(stateReading, base, observed), [
        observed?.name,
        observed?.externalName,
      ]),
      performanceMetrics: metricsFor(ctx, xr),
      state: stateReading,
      ...(observed !== undefined && {
        instance:
          observed.reportedClass === undefined ? {} : { reportedClass: observed.reportedClass },
      }),
    },
    log,
  );
  const state = writeInstance(desiredInstance, decision, base, observed);
  const skipped = decision.skipReason !== undefined && decision.skipReason !== 'RateLimited';
  setStatus(ctx, rsp, xr, {
    instanceClass: decision.toClass,
    ...(state !== undefined && { state }),
    ...(skipped && { skipped: { reason: decision.skipReason ?? '', message: decision.reasoning } }),
  });
  const previousRecommendation = stateReading.ok ? stateReading.state.recommendedClass : undefined;
  reportDecision(rsp, decision, '', previousRecommendation);
  setTtl(rsp, decision.ttlSeconds);
  return rsp;
}
