/**
 * Reading `status.performanceMetrics`, the CloudWatch figures a metrics step writes onto the
 * XSQLInstance before this function runs.
 */
import { typeName } from '../input/format-issues.js';
import { parseRfc3339 } from '../time.js';
import { isRecord } from './kube-object.js';

/** METRIC_UNITS lists the metrics this function reads and the unit CloudWatch reports them in. */
export const METRIC_UNITS = {
  CPUUtilization: 'Percent',
  FreeableMemory: 'Bytes',
  DatabaseConnections: 'Count',
  FreeStorageSpace: 'Bytes',
  ReadIOPS: 'Count/Second',
  WriteIOPS: 'Count/Second',
} as const;

/** MetricName is the CloudWatch name of a metric this function reads. */
export type MetricName = keyof typeof METRIC_UNITS;

/** Sample is one datapoint. */
export interface Sample {
  readonly value: number;
  readonly unit: string;
  /** When CloudWatch took the datapoint; the collection time when the datapoint has none. */
  readonly timestamp: Date;
}

/** PerformanceMetrics is a validated `status.performanceMetrics`. */
export interface PerformanceMetrics {
  readonly databaseName?: string;
  readonly region?: string;
  /** Every metric present, by CloudWatch name; a metric with no datapoint is absent. */
  readonly samples: Readonly<Partial<Record<MetricName, Sample>>>;
}

/** MetricsReading is either the validated metrics or why they cannot be used. */
export type MetricsReading =
  | { readonly ok: true; readonly metrics: PerformanceMetrics }
  | { readonly ok: false; readonly problem: string };

const fieldPath = 'status.performanceMetrics';

/**
 * readPerformanceMetrics validates the raw `status.performanceMetrics` value of a resource. It
 * runs on every call, so it is written out by hand rather than as a zod schema, which took ten
 * times as long; a problem reads as the resource readers word it: `<path>: <problem>`.
 */
export function readPerformanceMetrics(raw: unknown): MetricsReading {
  if (raw === undefined || raw === null) return { ok: false, problem: `${fieldPath} is missing` };
  if (!isRecord(raw)) return invalid(fieldPath, expected('object', raw));
  const databaseName = raw['databaseName'];
  if (databaseName !== undefined && typeof databaseName !== 'string') {
    return invalid(`${fieldPath}.databaseName`, expected('string', databaseName));
  }
  const region = raw['region'];
  if (region !== undefined && typeof region !== 'string') {
    return invalid(`${fieldPath}.region`, expected('string', region));
  }
  const collected = readTimestamp(raw['timestamp'], `${fieldPath}.timestamp`);
  if (!collected.ok) return collected;
  // Metrics this function does not read may be present; they are ignored, not rejected.
  const metrics = raw['metrics'];
  if (metrics !== undefined && !isRecord(metrics)) {
    return invalid(`${fieldPath}.metrics`, expected('object', metrics));
  }
  const samples: Partial<Record<MetricName, Sample>> = {};
  for (const name of METRIC_NAMES) {
    const rawSample = metrics?.[name];
    if (rawSample === undefined || rawSample === null) continue;
    const sample = readSample(name, rawSample, collected.instant);
    if (!sample.ok) return sample;
    samples[name] = sample.sample;
  }
  return {
    ok: true,
    metrics: {
      ...(databaseName !== undefined && { databaseName }),
      ...(region !== undefined && { region }),
      samples,
    },
  };
}

const METRIC_NAMES = Object.keys(METRIC_UNITS) as MetricName[];

type Problem = { readonly ok: false; readonly problem: string };

function invalid(path: string, problem: string): Problem {
  return { ok: false, problem: `${path}: ${problem}` };
}

function expected(type: string, value: unknown): string {
  return `expected ${type}, got ${typeName(value)}`;
}

/** readTimestamp reads an optional RFC 3339 time into the instant, so each is parsed once. */
function readTimestamp(
  raw: unknown,
  path: string,
): { readonly ok: true; readonly instant?: Date } | Problem {
  if (raw === undefined) return { ok: true };
  if (typeof raw !== 'string') return invalid(path, expected('string', raw));
  const instant = parseRfc3339(raw);
  return instant === undefined ? invalid(path, 'not an RFC 3339 time') : { ok: true, instant };
}

/** readSample reads one datapoint; one without a time was taken when the block was collected. */
function readSample(
  name: MetricName,
  raw: unknown,
  collectedAt: Date | undefined,
): { readonly ok: true; readonly sample: Sample } | Problem {
  const prefix = `${fieldPath}.metrics.${name}`;
  if (!isRecord(raw)) return invalid(prefix, expected('object', raw));
  const value = raw['value'];
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return invalid(`${prefix}.value`, 'expected a finite number');
  }
  if (value < 0) return invalid(`${prefix}.value`, 'must not be negative');
  const rawUnit = raw['unit'];
  if (rawUnit !== undefined && typeof rawUnit !== 'string') {
    return invalid(`${prefix}.unit`, expected('string', rawUnit));
  }
  const timestamp = readTimestamp(raw['timestamp'], `${prefix}.timestamp`);
  if (!timestamp.ok) return timestamp;
  const unit = rawUnit ?? METRIC_UNITS[name];
  if (unit !== METRIC_UNITS[name]) {
    return invalid(`${prefix}.unit`, `expected "${METRIC_UNITS[name]}", got "${unit}"`);
  }
  const at = timestamp.instant ?? collectedAt;
  if (at === undefined) return { ok: false, problem: `${prefix}.timestamp is missing` };
  return { ok: true, sample: { value, unit, timestamp: at } };
}
