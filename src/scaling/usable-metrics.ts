/**
 * The first gate: metrics a decision may rest on. Missing, stale, future-dated, malformed or
 * contradictory figures stop the analysis; a database is never resized on them.
 */
import type { MetricName, MetricsReading, Sample } from '../resource/performance-metrics.js';
import { formatDuration, formatRfc3339, secondsBetween } from '../time.js';
import type { InstanceClass } from './instance-classes.js';
import type { Load } from './utilisation.js';

/** CLOCK_SKEW_SECONDS is how far in the future a timestamp may be before it is contradictory. */
export const CLOCK_SKEW_SECONDS = 60;

/** DECISION_METRICS are the metrics the thresholds apply to. */
export const DECISION_METRICS: readonly MetricName[] = [
  'CPUUtilization',
  'FreeableMemory',
  'DatabaseConnections',
];

/** MetricsContext is what the metrics are checked against. */
export interface MetricsContext {
  readonly now: Date;
  readonly maxAgeSeconds: number;
  /** The class RDS is running, which the metrics describe. */
  readonly instanceClass: InstanceClass;
  /** Datapoints at or before this describe the class before the last resize. */
  readonly notBefore?: Date;
  /** Names the metrics may carry as databaseName: the composite's, the RDS Instance's. */
  readonly databaseNames: readonly string[];
  readonly region?: string;
}

/**
 * UsableMetrics is the load a decision may rest on, or why there is none; `waiting` marks
 * metrics that are sound but describe the class before the last resize.
 */
export type UsableMetrics =
  | {
      readonly ok: true;
      readonly load: Load;
      readonly samples: Partial<Record<MetricName, Sample>>;
    }
  | { readonly ok: false; readonly problem: string; readonly waiting?: boolean };

function beforeResize(
  present: readonly MetricName[],
  samples: Partial<Record<MetricName, Sample>>,
  ctx: MetricsContext,
): string | undefined {
  const { notBefore } = ctx;
  if (notBefore === undefined) return undefined;
  for (const name of present) {
    const sample = samples[name];
    if (sample !== undefined && sample.timestamp <= notBefore) {
      return `waiting for metrics of "${ctx.instanceClass.name}": the ${name} datapoint at ${formatRfc3339(sample.timestamp)} predates the resize (${formatRfc3339(notBefore)})`;
    }
  }
  return undefined;
}

function timingProblem(name: MetricName, sample: Sample, ctx: MetricsContext): string | undefined {
  const at = formatRfc3339(sample.timestamp);
  const age = secondsBetween(sample.timestamp, ctx.now);
  if (age < -CLOCK_SKEW_SECONDS) {
    return `${name} datapoint at ${at} is ${formatDuration(-age)} in the future`;
  }
  if (age > ctx.maxAgeSeconds) {
    return `${name} datapoint at ${at} is ${formatDuration(age)} old (maximum ${formatDuration(ctx.maxAgeSeconds)})`;
  }
  return undefined;
}

function contradiction(
  samples: Partial<Record<MetricName, Sample>>,
  ctx: MetricsContext,
): string | undefined {
  const cpu = samples.CPUUtilization?.value;
  if (cpu !== undefined && cpu > 100) return `CPUUtilization ${cpu}% is above 100%`;
  const free = samples.FreeableMemory?.value;
  if (free !== undefined && free > ctx.instanceClass.memoryBytes) {
    const gib = (bytes: number): string => `${Number((bytes / 1024 ** 3).toFixed(2))} GiB`;
    return `FreeableMemory ${gib(free)} exceeds the ${gib(ctx.instanceClass.memoryBytes)} of ${ctx.instanceClass.name}`;
  }
  return undefined;
}

/** usableMetrics checks a metrics reading against the database it claims to describe. */
export function usableMetrics(reading: MetricsReading, ctx: MetricsContext): UsableMetrics {
  if (!reading.ok) return reading;
  const { metrics } = reading;
  if (metrics.databaseName !== undefined && !ctx.databaseNames.includes(metrics.databaseName)) {
    const expected = ctx.databaseNames.map((n) => `"${n}"`).join(' or ');
    return {
      ok: false,
      problem: `metrics are for database "${metrics.databaseName}", not ${expected}`,
    };
  }
  if (metrics.region !== undefined && ctx.region !== undefined && metrics.region !== ctx.region) {
    return {
      ok: false,
      problem: `metrics are from region "${metrics.region}", not "${ctx.region}"`,
    };
  }
  const present = DECISION_METRICS.filter((name) => metrics.samples[name] !== undefined);
  if (present.length === 0) {
    return { ok: false, problem: `no ${DECISION_METRICS.join(', ')} datapoint` };
  }
  for (const name of present) {
    const sample = metrics.samples[name];
    const problem = sample && timingProblem(name, sample, ctx);
    if (problem !== undefined) return { ok: false, problem };
  }
  const waiting = beforeResize(present, metrics.samples, ctx);
  if (waiting !== undefined) return { ok: false, problem: waiting, waiting: true };
  const problem = contradiction(metrics.samples, ctx);
  if (problem !== undefined) return { ok: false, problem };
  const {
    CPUUtilization: cpu,
    FreeableMemory: free,
    DatabaseConnections: connections,
  } = metrics.samples;
  return {
    ok: true,
    samples: metrics.samples,
    load: {
      ...(cpu && { cpuPercent: cpu.value }),
      ...(free && { freeableMemoryBytes: free.value }),
      ...(connections && { connections: connections.value }),
    },
  };
}
