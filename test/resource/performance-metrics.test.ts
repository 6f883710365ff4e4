/**
 * Reading `status.performanceMetrics`: the demo's block as the talk showed it, and every way a
 * metrics step can get it wrong (missing, wrong unit, non-numeric or negative values, bad or
 * missing timestamps), with the exact problem each one reports.
 */
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';

import { readPerformanceMetrics } from '../../src/resource/performance-metrics.js';
import type { MetricsReading, Sample } from '../../src/resource/performance-metrics.js';

// The talk's `status.performanceMetrics` (shared/seeds), exactly as kubectl printed it.
const demoYaml = `
databaseName: rds-metrics-database-ai-scale
metrics:
  CPUUtilization:
    timestamp: "2025-09-15T12:52:00Z"
    unit: Percent
    value: 2.6191111704257306
  DatabaseConnections:
    timestamp: "2025-09-15T12:52:00Z"
    unit: Count
    value: 0
  FreeStorageSpace:
    timestamp: "2025-09-15T12:52:00Z"
    unit: Bytes
    value: 2775519232
  FreeableMemory:
    timestamp: "2025-09-15T12:52:00Z"
    unit: Bytes
    value: 188219392
  ReadIOPS:
    timestamp: "2025-09-15T12:52:00Z"
    unit: Count/Second
    value: 0.01667722891164404
  WriteIOPS:
    timestamp: "2025-09-15T12:52:00Z"
    unit: Count/Second
    value: 0.6670891564657616
region: us-west-2
timestamp: "2025-09-15T12:53:49.034106466Z"
`;

const sampledAt = new Date('2025-09-15T12:52:00Z');
const collectedAt = new Date('2025-09-15T12:53:49.034Z');

/** withMetrics is a block collected at the demo's time carrying only the given metrics. */
function withMetrics(metrics: Record<string, unknown>): Record<string, unknown> {
  return { timestamp: '2025-09-15T12:53:49.034106466Z', metrics };
}

/** cpu is one CPUUtilization datapoint with fields replaced. */
function cpu(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return { value: 42, unit: 'Percent', timestamp: '2025-09-15T12:52:00Z', ...fields };
}

const cpuSample: Sample = { value: 42, unit: 'Percent', timestamp: sampledAt };

interface Row {
  readonly name: string;
  readonly reason: string;
  readonly given: unknown;
  readonly want: MetricsReading;
}

const rows: Row[] = [
  {
    name: 'the demo block',
    reason: 'Every metric the demo writes is read with its unit and datapoint time.',
    given: parse(demoYaml),
    want: {
      ok: true,
      metrics: {
        databaseName: 'rds-metrics-database-ai-scale',
        region: 'us-west-2',
        samples: {
          CPUUtilization: { value: 2.6191111704257306, unit: 'Percent', timestamp: sampledAt },
          FreeableMemory: { value: 188_219_392, unit: 'Bytes', timestamp: sampledAt },
          DatabaseConnections: { value: 0, unit: 'Count', timestamp: sampledAt },
          FreeStorageSpace: { value: 2_775_519_232, unit: 'Bytes', timestamp: sampledAt },
          ReadIOPS: { value: 0.01667722891164404, unit: 'Count/Second', timestamp: sampledAt },
          WriteIOPS: { value: 0.6670891564657616, unit: 'Count/Second', timestamp: sampledAt },
        },
      },
    },
  },
  {
    name: 'missing',
    reason: 'No metrics step has written the field yet.',
    given: undefined,
    want: { ok: false, problem: 'status.performanceMetrics is missing' },
  },
  {
    name: 'null',
    reason: 'A cleared field is as good as missing.',
    given: null,
    want: { ok: false, problem: 'status.performanceMetrics is missing' },
  },
  {
    name: 'not an object',
    reason: 'The field must be a map.',
    given: 'CPU is fine',
    want: {
      ok: false,
      problem: 'status.performanceMetrics: expected object, got string',
    },
  },
  {
    name: 'no metrics map',
    reason: 'An empty block has no datapoints; whether that is usable is decided later.',
    given: { databaseName: 'db', region: 'us-west-2' },
    want: { ok: true, metrics: { databaseName: 'db', region: 'us-west-2', samples: {} } },
  },
  {
    name: 'metrics as a list',
    reason: 'Metrics are keyed by CloudWatch name.',
    given: { metrics: [cpu()] },
    want: {
      ok: false,
      problem: 'status.performanceMetrics.metrics: expected object, got array',
    },
  },
  {
    name: 'databaseName not a string',
    reason: 'The name is compared with the resource names.',
    given: { databaseName: 7, metrics: {} },
    want: {
      ok: false,
      problem: 'status.performanceMetrics.databaseName: expected string, got number',
    },
  },
  {
    name: 'wrong unit',
    reason: 'FreeableMemory in Megabytes would be read as bytes and look nearly exhausted.',
    given: withMetrics({ FreeableMemory: { value: 180, unit: 'Megabytes' } }),
    want: {
      ok: false,
      problem:
        'status.performanceMetrics.metrics.FreeableMemory.unit: expected "Bytes", got "Megabytes"',
    },
  },
  {
    name: 'unit missing',
    reason: 'A datapoint without a unit is taken in the unit CloudWatch reports it in.',
    given: withMetrics({ CPUUtilization: cpu({ unit: undefined }) }),
    want: { ok: true, metrics: { samples: { CPUUtilization: cpuSample } } },
  },
  {
    name: 'value as a string',
    reason: 'A quoted number is a malformed datapoint, not a number.',
    given: withMetrics({ CPUUtilization: cpu({ value: '2.6' }) }),
    want: {
      ok: false,
      problem: 'status.performanceMetrics.metrics.CPUUtilization.value: expected a finite number',
    },
  },
  {
    name: 'value missing',
    reason: 'A datapoint needs a value.',
    given: withMetrics({ CPUUtilization: cpu({ value: undefined }) }),
    want: {
      ok: false,
      problem: 'status.performanceMetrics.metrics.CPUUtilization.value: expected a finite number',
    },
  },
  {
    name: 'value "NaN"',
    reason: 'What a careless metrics step prints for a missing figure.',
    given: withMetrics({ CPUUtilization: cpu({ value: 'NaN' }) }),
    want: {
      ok: false,
      problem: 'status.performanceMetrics.metrics.CPUUtilization.value: expected a finite number',
    },
  },
  {
    name: 'value NaN',
    reason: 'NaN compares false with every threshold and would pass every gate.',
    given: withMetrics({ CPUUtilization: cpu({ value: Number.NaN }) }),
    want: {
      ok: false,
      problem: 'status.performanceMetrics.metrics.CPUUtilization.value: expected a finite number',
    },
  },
  {
    name: 'value Infinity',
    reason: 'Not a figure CloudWatch reports.',
    given: withMetrics({ CPUUtilization: cpu({ value: Number.POSITIVE_INFINITY }) }),
    want: {
      ok: false,
      problem: 'status.performanceMetrics.metrics.CPUUtilization.value: expected a finite number',
    },
  },
  {
    name: 'negative value',
    reason: 'No metric read here can be below zero.',
    given: withMetrics({ DatabaseConnections: { value: -1, unit: 'Count' } }),
    want: {
      ok: false,
      problem: 'status.performanceMetrics.metrics.DatabaseConnections.value: must not be negative',
    },
  },
  {
    name: 'zero',
    reason: 'Zero connections is a real figure, not an absent one.',
    given: withMetrics({ DatabaseConnections: { value: 0, unit: 'Count' } }),
    want: {
      ok: true,
      metrics: {
        samples: { DatabaseConnections: { value: 0, unit: 'Count', timestamp: collectedAt } },
      },
    },
  },
  {
    name: 'datapoint not an object',
    reason: 'A bare number has no unit or time.',
    given: withMetrics({ CPUUtilization: 42 }),
    want: {
      ok: false,
      problem: 'status.performanceMetrics.metrics.CPUUtilization: expected object, got number',
    },
  },
  {
    name: 'datapoint null',
    reason: 'A metric with no datapoint is absent, however it is written.',
    given: withMetrics({ CPUUtilization: null, DatabaseConnections: { value: 3 } }),
    want: {
      ok: true,
      metrics: {
        samples: { DatabaseConnections: { value: 3, unit: 'Count', timestamp: collectedAt } },
      },
    },
  },
  {
    name: 'datapoint timestamps missing',
    reason: 'A datapoint without a time falls back to the time the block was collected.',
    given: withMetrics({
      CPUUtilization: cpu({ timestamp: undefined }),
      FreeableMemory: { value: 188_219_392, unit: 'Bytes' },
    }),
    want: {
      ok: true,
      metrics: {
        samples: {
          CPUUtilization: { value: 42, unit: 'Percent', timestamp: collectedAt },
          FreeableMemory: { value: 188_219_392, unit: 'Bytes', timestamp: collectedAt },
        },
      },
    },
  },
  {
    name: 'one timestamp missing',
    reason: 'Only the datapoint without a time falls back.',
    given: withMetrics({
      CPUUtilization: cpu(),
      FreeableMemory: { value: 188_219_392, unit: 'Bytes' },
    }),
    want: {
      ok: true,
      metrics: {
        samples: {
          CPUUtilization: cpuSample,
          FreeableMemory: { value: 188_219_392, unit: 'Bytes', timestamp: collectedAt },
        },
      },
    },
  },
  {
    name: 'no timestamp anywhere',
    reason: 'The age of a datapoint must be known before it is trusted.',
    given: { metrics: { CPUUtilization: cpu({ timestamp: undefined }) } },
    want: {
      ok: false,
      problem: 'status.performanceMetrics.metrics.CPUUtilization.timestamp is missing',
    },
  },
  {
    name: 'datapoint timestamp malformed',
    reason: 'A time without a zone has no known age.',
    given: withMetrics({ CPUUtilization: cpu({ timestamp: '2025-09-15 12:52:00' }) }),
    want: {
      ok: false,
      problem: 'status.performanceMetrics.metrics.CPUUtilization.timestamp: not an RFC 3339 time',
    },
  },
  {
    name: 'collection timestamp malformed',
    reason: 'The fallback time is checked even when every datapoint has its own.',
    given: { timestamp: 'just now', metrics: { CPUUtilization: cpu() } },
    want: {
      ok: false,
      problem: 'status.performanceMetrics.timestamp: not an RFC 3339 time',
    },
  },
  {
    name: 'unknown extra metrics',
    reason: 'Metrics this function does not read are ignored, malformed or not.',
    given: withMetrics({
      CPUUtilization: cpu(),
      DiskQueueDepth: { value: 'lots', unit: 'Count' },
      SwapUsage: -5,
    }),
    want: { ok: true, metrics: { samples: { CPUUtilization: cpuSample } } },
  },
  {
    name: 'the first bad metric is reported',
    reason: 'Metrics are checked in a fixed order, so the message is the same every run.',
    given: withMetrics({
      WriteIOPS: { value: 1, unit: 'Count' },
      FreeableMemory: { value: -1, unit: 'Bytes' },
    }),
    want: {
      ok: false,
      problem: 'status.performanceMetrics.metrics.FreeableMemory.value: must not be negative',
    },
  },
  {
    name: 'unit not a string',
    reason: 'A unit is a name; anything else is a malformed datapoint.',
    given: withMetrics({ CPUUtilization: cpu({ unit: 1 }) }),
    want: {
      ok: false,
      problem: 'status.performanceMetrics.metrics.CPUUtilization.unit: expected string, got number',
    },
  },
  {
    name: 'datapoint timestamp not a string',
    reason: 'A time is RFC 3339 text; an epoch number is not read as one.',
    given: withMetrics({ CPUUtilization: cpu({ timestamp: 1757940720 }) }),
    want: {
      ok: false,
      problem:
        'status.performanceMetrics.metrics.CPUUtilization.timestamp: expected string, got number',
    },
  },
  {
    name: 'metrics null',
    reason: 'A block whose metrics are null was written by a broken step, not an idle one.',
    given: withMetrics(null as unknown as Record<string, unknown>),
    want: { ok: false, problem: 'status.performanceMetrics.metrics: expected object, got null' },
  },
  {
    name: 'region not a string',
    reason: 'The region is checked like the database name.',
    given: { region: ['us-west-2'] },
    want: { ok: false, problem: 'status.performanceMetrics.region: expected string, got array' },
  },
  {
    name: 'the first bad field of a datapoint is reported',
    reason: 'A datapoint is checked value, unit, then time, as the block is read.',
    given: withMetrics({ CPUUtilization: { value: -1, unit: 3, timestamp: 'soon' } }),
    want: {
      ok: false,
      problem: 'status.performanceMetrics.metrics.CPUUtilization.value: must not be negative',
    },
  },
];

describe('readPerformanceMetrics', () => {
  test.each(rows)('$name', ({ reason, given, want }) => {
    expect(readPerformanceMetrics(given), reason).toStrictEqual(want);
  });
});
