/**
 * Reading `status.performanceMetrics`, the CloudWatch figures a metrics step writes onto the
 * XSQLInstance before this function runs.
 */
import { z } from 'zod';

import { safeParseWorded } from '../input/format-issues.js';

import { parseRfc3339 } from '../time.js';
import { firstIssue } from './kube-object.js';

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

/** timestamp reads an RFC 3339 time into the instant, so each is parsed once. */
const timestamp = z.string().transform((text, ctx) => {
  const instant = parseRfc3339(text);
  if (instant === undefined) {
    ctx.issues.push({ code: 'custom', message: 'not an RFC 3339 time', input: text });
    return z.NEVER;
  }
  return instant;
});

const sampleSchema = z.object({
  value: z.number({ error: 'expected a finite number' }).min(0, { error: 'must not be negative' }),
  unit: z.string().optional(),
  timestamp: timestamp.optional(),
});

const metricsSchema = z.object({
  databaseName: z.string().optional(),
  region: z.string().optional(),
  timestamp: timestamp.optional(),
  // Metrics this function does not read may be present; they are ignored, not rejected.
  metrics: z.record(z.string(), z.unknown()).optional(),
});

/** MetricsReading is either the validated metrics or why they cannot be used. */
export type MetricsReading =
  | { readonly ok: true; readonly metrics: PerformanceMetrics }
  | { readonly ok: false; readonly problem: string };

const fieldPath = 'status.performanceMetrics';

/** readPerformanceMetrics validates the raw `status.performanceMetrics` value of a resource. */
export function readPerformanceMetrics(raw: unknown): MetricsReading {
  if (raw === undefined || raw === null) return { ok: false, problem: `${fieldPath} is missing` };
  const parsed = safeParseWorded(metricsSchema, raw);
  if (!parsed.success) return { ok: false, problem: firstIssue(parsed.error, fieldPath) };
  const collectedAt = parsed.data.timestamp;
  const samples: Partial<Record<MetricName, Sample>> = {};
  for (const name of Object.keys(METRIC_UNITS) as MetricName[]) {
    const rawSample = parsed.data.metrics?.[name];
    if (rawSample === undefined || rawSample === null) continue;
    const prefix = `${fieldPath}.metrics.${name}`;
    const sample = safeParseWorded(sampleSchema, rawSample);
    if (!sample.success) return { ok: false, problem: firstIssue(sample.error, prefix) };
    const unit = sample.data.unit ?? METRIC_UNITS[name];
    if (unit !== METRIC_UNITS[name]) {
      return {
        ok: false,
        problem: `${prefix}.unit: expected "${METRIC_UNITS[name]}", got "${unit}"`,
      };
    }
    const at = sample.data.timestamp ?? collectedAt;
    if (at === undefined) return { ok: false, problem: `${prefix}.timestamp is missing` };
    samples[name] = { value: sample.data.value, unit, timestamp: at };
  }
  return {
    ok: true,
    metrics: {
      ...(parsed.data.databaseName !== undefined && { databaseName: parsed.data.databaseName }),
      ...(parsed.data.region !== undefined && { region: parsed.data.region }),
      samples,
    },
  };
}
