/**
 * Operation mode. There is no observed state: the databases arrive as required resources (a
 * CronOperation's selector, a WatchOperation's watched resource). Each is decided on its own;
 * one bad target never blocks the others. Crossplane applies every desired resource with a new
 * field manager, so a target gets a minimal patch only when there is something new to write.
 */
import { Capability, Ready, Requirements } from '@crossplane-org/function-sdk-typescript';
import type {
  Resource,
  ResourceSelector,
  RunFunctionResponse,
} from '@crossplane-org/function-sdk-typescript';

import { describeRef, groupOf } from '../resource/kube-object.js';
import type { ObjectRef } from '../resource/kube-object.js';
import {
  isRdsInstance,
  readRdsInstance,
  RDS_INSTANCE_API_VERSIONS,
} from '../resource/rds-instance.js';
import { readSqlInstance } from '../resource/sql-instance.js';
import type { SqlInstance } from '../resource/sql-instance.js';
import type { Decision } from '../scaling/decide.js';
import type { TargetKind } from '../scaling/policy.js';
import { readState, writeState } from '../scaling/state.js';
import { reportDecision, summarise } from './report.js';
import type { DecisionSummary } from './report.js';
import { newResponse, setTtl } from './response.js';
import { analyse, logFor, subjectOf } from './step.js';
import type { StepContext } from './step.js';

/** INSTANCE_REQUIREMENT_PREFIX starts the name of each requirement for a target's RDS Instance. */
export const INSTANCE_REQUIREMENT_PREFIX = 'intelligent-scaling/rds-instance/';

/** OutputEntry is one target's line in the Operation's output. */
interface OutputEntry extends Partial<DecisionSummary> {
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly error?: string;
}

function isTargetKind(
  raw: Record<string, unknown> | undefined,
  targets: readonly TargetKind[],
): boolean {
  const apiVersion = raw?.['apiVersion'];
  const kind = raw?.['kind'];
  return (
    typeof apiVersion === 'string' &&
    targets.some((t) => t.kind === kind && t.apiGroup === groupOf(apiVersion))
  );
}

type Candidate =
  | { readonly ok: true; readonly value: SqlInstance }
  | { readonly ok: false; readonly problem: string; readonly where: string };

/** collectTargets finds every required resource of a target kind, once each, in a stable order. */
function collectTargets(ctx: StepContext): Candidate[] {
  const seen = new Map<string, Candidate>();
  const required = ctx.req.requiredResources;
  for (const name of Object.keys(required).sort()) {
    if (name.startsWith(INSTANCE_REQUIREMENT_PREFIX)) continue;
    for (const [index, item] of (required[name]?.items ?? []).entries()) {
      if (!isTargetKind(item.resource, ctx.input.policy.targets)) continue;
      const reading = readSqlInstance(item.resource);
      const key = reading.ok ? identity(reading.value) : `${name}[${index}]`;
      if (seen.has(key)) continue;
      seen.set(
        key,
        reading.ok ? reading : { ...reading, where: `required resource "${name}" item ${index}` },
      );
    }
  }
  return [...seen.values()];
}

function identity(ref: ObjectRef): string {
  return `${groupOf(ref.apiVersion)}/${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;
}

function requirementName(xr: SqlInstance): string {
  return `${INSTANCE_REQUIREMENT_PREFIX}${xr.namespace ?? ''}/${xr.name}`;
}

/** instanceSelector finds a target's RDS Instance: by reference when the composite lists it, else by label. */
function instanceSelector(xr: SqlInstance): ResourceSelector {
  const ref = xr.resourceRefs.find((r) => isRdsInstance(r));
  const namespace = ref?.namespace ?? xr.namespace;
  const scope = namespace === undefined ? {} : { namespace };
  if (ref !== undefined) {
    return { apiVersion: ref.apiVersion, kind: ref.kind, matchName: ref.name, ...scope };
  }
  const apiVersion =
    xr.namespace === undefined
      ? RDS_INSTANCE_API_VERSIONS.cluster
      : RDS_INSTANCE_API_VERSIONS.namespaced;
  return {
    apiVersion,
    kind: 'Instance',
    matchLabels: { labels: { 'crossplane.io/composite': xr.name } },
    ...scope,
  };
}

function requirementsSupported(ctx: StepContext): boolean {
  const capabilities = ctx.req.meta?.capabilities ?? [];
  // Without the capabilities capability, an empty list says nothing: Crossplane predates it.
  return (
    !capabilities.includes(Capability.CAPABILITY_CAPABILITIES) ||
    capabilities.includes(Capability.CAPABILITY_REQUIRED_RESOURCES)
  );
}

/** reportedClass reads the class RDS reports; a disagreement among several Instances wins. */
function observedInstance(
  ctx: StepContext,
  xr: SqlInstance,
): { reportedClass?: string } | undefined {
  const items = ctx.req.requiredResources[requirementName(xr)]?.items ?? [];
  const instances = items
    .map((item) => readRdsInstance(item.resource))
    .flatMap((reading) => (reading.ok ? [reading.value] : []));
  if (instances.length === 0) return undefined;
  const asked = xr.instanceClass;
  const odd = instances.find((i) => i.reportedClass !== asked) ?? instances[0];
  return odd?.reportedClass === undefined ? {} : { reportedClass: odd.reportedClass };
}

function patch(xr: SqlInstance, decision: Decision): Resource | undefined {
  const somethingNew = decision.analyzed || decision.stateChanged === true;
  if (!somethingNew || decision.state === undefined) return undefined;
  const changed = decision.toClass !== decision.fromClass;
  return {
    resource: {
      apiVersion: xr.apiVersion,
      kind: xr.kind,
      metadata: {
        name: xr.name,
        ...(xr.namespace !== undefined && { namespace: xr.namespace }),
        annotations: writeState(decision.state, 'operation'),
      },
      ...(changed && { spec: { parameters: { instanceClass: decision.toClass } } }),
    },
    connectionDetails: {},
    ready: Ready.READY_UNSPECIFIED,
  };
}

async function decideTarget(ctx: StepContext, xr: SqlInstance): Promise<Decision> {
  const log = logFor(ctx, xr);
  const instance = observedInstance(ctx, xr);
  return analyse(
    ctx,
    {
      subject: subjectOf(xr, xr.instanceClass ?? ''),
      performanceMetrics: xr.performanceMetrics,
      state: readState(xr.annotations),
      ...(instance !== undefined && { instance }),
    },
    log,
  );
}

/** runOperation decides every target database and returns a patch for each that changed. */
export async function runOperation(ctx: StepContext): Promise<RunFunctionResponse> {
  const rsp = newResponse(ctx.req, ctx.input.policy.analysisIntervalSeconds);
  const candidates = collectTargets(ctx);
  const targets = candidates.flatMap((c) => (c.ok ? [c.value] : []));
  if (requirementsSupported(ctx) && targets.length > 0) {
    const resources = Object.fromEntries(
      targets.map((xr) => [requirementName(xr), instanceSelector(xr)]),
    );
    // Returned on every call: Crossplane calls again until the requirements stop changing.
    rsp.requirements = Requirements.fromPartial({ resources });
    const unresolved = targets.some((xr) => !(requirementName(xr) in ctx.req.requiredResources));
    if (unresolved) return rsp;
  }
  const decisions = await Promise.all(targets.map((xr) => decideTarget(ctx, xr)));
  const entries: OutputEntry[] = [];
  let ttlSeconds = ctx.input.policy.analysisIntervalSeconds;
  for (const [index, xr] of targets.entries()) {
    const decision = decisions[index];
    if (decision === undefined) continue;
    const update = patch(xr, decision);
    if (update !== undefined && rsp.desired) rsp.desired.resources[identity(xr)] = update;
    const previous = readState(xr.annotations);
    reportDecision(
      rsp,
      decision,
      describeRef(xr),
      previous.ok ? previous.state.recommendedClass : undefined,
    );
    entries.push({
      kind: xr.kind,
      ...(xr.namespace !== undefined && { namespace: xr.namespace }),
      name: xr.name,
      ...summarise(decision),
    });
    ttlSeconds = Math.min(ttlSeconds, decision.ttlSeconds);
  }
  for (const candidate of candidates) {
    if (!candidate.ok)
      entries.push({
        kind: '',
        name: candidate.where,
        error: `cannot read target: ${candidate.problem}`,
      });
  }
  rsp.output = { decisions: entries };
  setTtl(rsp, ttlSeconds);
  return rsp;
}
