/**
 * Projection: would the smaller class hold? Before a scale-down, the load is projected onto the
 * smaller class, and ahead in time along the trend it showed over the quiet window, and must
 * stay clear of every scale-up threshold by a margin. Shrinking into a class that a wobble or a
 * slow leak would overflow within the hour is the flap this prevents.
 */
import type { Engine, InstanceClass } from './instance-classes.js';
import { instanceClass } from './instance-classes.js';
import type { Policy, Thresholds } from './policy.js';
import { scaleUpFindings } from './thresholds.js';
import type { Finding } from './thresholds.js';
import { projectLoad, utilisation } from './utilisation.js';
import type { Load } from './utilisation.js';

/**
 * HEADROOM_PERCENT is how far, in percentage points, the load projected onto a smaller class
 * must stay from every scale-up threshold before a scale-down.
 */
export const HEADROOM_PERCENT = 10;

/** MIN_HORIZON_SECONDS is the least time ahead a growing load is projected before a scale-down. */
export const MIN_HORIZON_SECONDS = 3600;

/** horizonSeconds is how far ahead a scale-down looks: an hour, or four scale-down windows. */
export function horizonSeconds(policy: Policy): number {
  return Math.max(MIN_HORIZON_SECONDS, 4 * policy.scaleDownWindowSeconds);
}

function grown(
  now: number | undefined,
  then: number | undefined,
  scale: number,
): number | undefined {
  if (now === undefined) return undefined;
  if (then === undefined) return now;
  return now + Math.max(0, now - then) * scale;
}

/**
 * loadAhead extends the load along the growth it showed since `baseline`, `aheadSeconds` on.
 * Only growth counts: a falling load is taken as it is now.
 */
export function loadAhead(
  load: Load,
  baseline: Load | undefined,
  elapsedSeconds: number,
  aheadSeconds: number,
): Load {
  if (baseline === undefined || elapsedSeconds <= 0) return load;
  const scale = aheadSeconds / elapsedSeconds;
  const cpu = grown(load.cpuPercent, baseline.cpuPercent, scale);
  const connections = grown(load.connections, baseline.connections, scale);
  // Memory in use grows as FreeableMemory falls.
  const used = grown(
    load.freeableMemoryBytes === undefined ? undefined : -load.freeableMemoryBytes,
    baseline.freeableMemoryBytes === undefined ? undefined : -baseline.freeableMemoryBytes,
    scale,
  );
  return {
    ...(cpu !== undefined && { cpuPercent: Math.min(100, cpu) }),
    ...(used !== undefined && { freeableMemoryBytes: Math.max(0, -used) }),
    ...(connections !== undefined && { connections }),
  };
}

function tightened(up: Thresholds): Thresholds {
  return {
    cpuPercent: up.cpuPercent - HEADROOM_PERCENT,
    freeMemoryPercent: up.freeMemoryPercent + HEADROOM_PERCENT,
    connectionsPercent: up.connectionsPercent - HEADROOM_PERCENT,
  };
}

/** ScaleDownProjection is what the smaller class would see, now and ahead. */
export interface ScaleDownProjection {
  /** Scale-up thresholds, less the headroom, that the smaller class would trip. */
  readonly triggers: readonly Finding[];
  /** Whether the triggers come from the trend, not from the load as it is now. */
  readonly fromTrend: boolean;
}

/** ProjectionInput is a quiet database about to be considered for a scale-down. */
export interface ProjectionInput {
  readonly policy: Policy;
  readonly load: Load;
  readonly current: InstanceClass;
  readonly smaller?: string;
  readonly engine?: Engine;
  /** The load when the quiet window began, and how long ago that was. */
  readonly baseline?: Load;
  readonly quietSeconds: number;
}

function tripped(input: ProjectionInput, target: InstanceClass, load: Load): Finding[] {
  const projected = utilisation(projectLoad(load, input.current, target), target, input.engine);
  return scaleUpFindings(projected, tightened(input.policy.scaleUp)).filter((f) => f.holds);
}

/** projectScaleDown says which scale-up thresholds the smaller class would trip, if any. */
export function projectScaleDown(input: ProjectionInput): ScaleDownProjection {
  const target = input.smaller === undefined ? undefined : instanceClass(input.smaller);
  if (target === undefined) return { triggers: [], fromTrend: false };
  const now = tripped(input, target, input.load);
  if (now.length > 0) return { triggers: now, fromTrend: false };
  const ahead = loadAhead(
    input.load,
    input.baseline,
    input.quietSeconds,
    horizonSeconds(input.policy),
  );
  return { triggers: tripped(input, target, ahead), fromTrend: true };
}
