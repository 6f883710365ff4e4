/**
 * The metrics gate: which readings a decision may rest on. Fresh figures pass as a load; stale,
 * future-dated, contradictory, misaddressed or decision-less ones stop the analysis with a
 * one-line problem.
 */
import { describe, expect, test } from 'vitest';

import type {
  MetricName,
  MetricsReading,
  PerformanceMetrics,
  Sample,
} from '../../src/resource/performance-metrics.js';
import { instanceClass } from '../../src/scaling/instance-classes.js';
import type { InstanceClass } from '../../src/scaling/instance-classes.js';
import { usableMetrics } from '../../src/scaling/usable-metrics.js';
import type { MetricsContext, UsableMetrics } from '../../src/scaling/usable-metrics.js';
import { GiB, NOW } from '../fixtures/scaling.js';

/** cls returns a class from the table, failing the test file when the table lacks it. */
function cls(name: string): InstanceClass {
  const found = instanceClass(name);
  if (found === undefined) throw new Error(`test class ${name} is not in the table`);
  return found;
}

/** secondsAgo is the instant `seconds` before NOW; negative is in the future. */
function secondsAgo(seconds: number): Date {
  return new Date(NOW.getTime() - seconds * 1000);
}

/** Two minutes before NOW, as the demo's datapoints were. */
const sampledAt = secondsAgo(120);

const cpu: Sample = { value: 2.6191111704257306, unit: 'Percent', timestamp: sampledAt };
const memory: Sample = { value: 188_219_392, unit: 'Bytes', timestamp: sampledAt };
const connections: Sample = { value: 0, unit: 'Count', timestamp: sampledAt };
const storage: Sample = { value: 2_775_519_232, unit: 'Bytes', timestamp: sampledAt };

type Samples = Partial<Record<MetricName, Sample>>;

/** The demo database's decision metrics, two minutes old. */
const demo: Samples = {
  CPUUtilization: cpu,
  FreeableMemory: memory,
  DatabaseConnections: connections,
};

/** reading is a valid reading for database "db" in us-west-2, with fields replaced. */
function reading(samples: Samples, fields: Partial<PerformanceMetrics> = {}): MetricsReading {
  return {
    ok: true,
    metrics: { databaseName: 'db', region: 'us-west-2', samples, ...fields },
  };
}

/** A db.t3.micro in us-west-2, known as "db" or by its RDS identifier, metrics at most 15m old. */
const context: MetricsContext = {
  now: NOW,
  maxAgeSeconds: 900,
  instanceClass: cls('db.t3.micro'),
  databaseNames: ['db', 'db-x7k2p'],
  region: 'us-west-2',
};

const { region: _region, ...contextWithoutRegion } = context;

interface Row {
  readonly name: string;
  readonly reason: string;
  /** context replaces the default MetricsContext when set. */
  readonly given: { readonly reading: MetricsReading; readonly context?: MetricsContext };
  readonly want: UsableMetrics;
}

const demoLoad = {
  cpuPercent: 2.6191111704257306,
  freeableMemoryBytes: 188_219_392,
  connections: 0,
};

const rows: Row[] = [
  {
    name: 'fresh',
    reason: 'Two-minute-old figures of the right database are the load; zero connections count.',
    given: { reading: reading(demo) },
    want: { ok: true, load: demoLoad, samples: demo },
  },
  {
    name: 'fresh, with metrics the thresholds do not use',
    reason: 'Every sample is handed on; only the decision metrics make the load.',
    given: { reading: reading({ ...demo, FreeStorageSpace: storage }) },
    want: { ok: true, load: demoLoad, samples: { ...demo, FreeStorageSpace: storage } },
  },
  {
    name: 'only CPU',
    reason: 'One decision metric is enough; absent ones stay absent in the load.',
    given: { reading: reading({ CPUUtilization: cpu }) },
    want: { ok: true, load: { cpuPercent: 2.6191111704257306 }, samples: { CPUUtilization: cpu } },
  },
  {
    name: 'unreadable',
    reason: 'A reading that failed validation keeps its own problem.',
    given: { reading: { ok: false, problem: 'status.performanceMetrics is missing' } },
    want: { ok: false, problem: 'status.performanceMetrics is missing' },
  },
  {
    name: 'stale',
    reason: 'A datapoint older than maxMetricsAge no longer describes the database.',
    given: {
      reading: reading({ ...demo, CPUUtilization: { ...cpu, timestamp: secondsAgo(960) } }),
    },
    want: {
      ok: false,
      problem: 'CPUUtilization datapoint at 2025-09-15T12:38:00Z is 16m old (maximum 15m)',
    },
  },
  {
    name: 'exactly the maximum age',
    reason: 'The maximum itself is still fresh.',
    given: { reading: reading({ CPUUtilization: { ...cpu, timestamp: secondsAgo(900) } }) },
    want: {
      ok: true,
      load: { cpuPercent: 2.6191111704257306 },
      samples: { CPUUtilization: { ...cpu, timestamp: secondsAgo(900) } },
    },
  },
  {
    name: 'stale memory, fresh CPU',
    reason: 'Every decision metric is checked, and the stale one is named.',
    given: {
      reading: reading({ ...demo, FreeableMemory: { ...memory, timestamp: secondsAgo(3690) } }),
    },
    want: {
      ok: false,
      problem: 'FreeableMemory datapoint at 2025-09-15T11:52:30Z is 1h1m30s old (maximum 15m)',
    },
  },
  {
    name: 'stale metric the thresholds do not use',
    reason: 'An old FreeStorageSpace does not stop a decision that never reads it.',
    given: {
      reading: reading({ ...demo, FreeStorageSpace: { ...storage, timestamp: secondsAgo(7200) } }),
    },
    want: {
      ok: true,
      load: demoLoad,
      samples: { ...demo, FreeStorageSpace: { ...storage, timestamp: secondsAgo(7200) } },
    },
  },
  {
    name: 'stale against a shorter maximum age',
    reason: 'The limit comes from the policy.',
    given: { reading: reading(demo), context: { ...context, maxAgeSeconds: 90 } },
    want: {
      ok: false,
      problem: 'CPUUtilization datapoint at 2025-09-15T12:52:00Z is 2m old (maximum 1m30s)',
    },
  },
  {
    name: 'future beyond the clock skew',
    reason: 'A timestamp 61 s ahead of the clock is contradictory.',
    given: {
      reading: reading({
        ...demo,
        DatabaseConnections: { ...connections, timestamp: secondsAgo(-61) },
      }),
    },
    want: {
      ok: false,
      problem: 'DatabaseConnections datapoint at 2025-09-15T12:55:01Z is 1m1s in the future',
    },
  },
  {
    name: 'future within the clock skew',
    reason: 'Clocks drift; 60 s ahead is tolerated.',
    given: { reading: reading({ CPUUtilization: { ...cpu, timestamp: secondsAgo(-60) } }) },
    want: {
      ok: true,
      load: { cpuPercent: 2.6191111704257306 },
      samples: { CPUUtilization: { ...cpu, timestamp: secondsAgo(-60) } },
    },
  },
  {
    name: 'CPU above 100%',
    reason: 'A percentage above 100 is contradictory.',
    given: { reading: reading({ ...demo, CPUUtilization: { ...cpu, value: 140 } }) },
    want: { ok: false, problem: 'CPUUtilization 140% is above 100%' },
  },
  {
    name: 'CPU at 100%',
    reason: 'A saturated database is exactly what scaling up is for.',
    given: { reading: reading({ CPUUtilization: { ...cpu, value: 100 } }) },
    want: {
      ok: true,
      load: { cpuPercent: 100 },
      samples: { CPUUtilization: { ...cpu, value: 100 } },
    },
  },
  {
    name: 'free memory above the class memory',
    reason: 'Metrics of a larger class must not be read against a smaller one.',
    given: { reading: reading({ ...demo, FreeableMemory: { ...memory, value: 1.5 * GiB } }) },
    want: { ok: false, problem: 'FreeableMemory 1.5 GiB exceeds the 1 GiB of db.t3.micro' },
  },
  {
    name: 'free memory equal to the class memory',
    reason: 'All of it free is possible, if unlikely.',
    given: { reading: reading({ FreeableMemory: { ...memory, value: GiB } }) },
    want: {
      ok: true,
      load: { freeableMemoryBytes: GiB },
      samples: { FreeableMemory: { ...memory, value: GiB } },
    },
  },
  {
    name: 'another database',
    reason: 'A metrics step that wrote the wrong database must not resize this one.',
    given: { reading: reading(demo, { databaseName: 'other' }) },
    want: { ok: false, problem: 'metrics are for database "other", not "db" or "db-x7k2p"' },
  },
  {
    name: 'the RDS identifier as databaseName',
    reason: 'Either name the database is known by is accepted.',
    given: { reading: reading(demo, { databaseName: 'db-x7k2p' }) },
    want: { ok: true, load: demoLoad, samples: demo },
  },
  {
    name: 'no databaseName',
    reason: 'Metrics that do not name a database are taken to describe this one.',
    given: { reading: { ok: true, metrics: { region: 'us-west-2', samples: demo } } },
    want: { ok: true, load: demoLoad, samples: demo },
  },
  {
    name: 'another region',
    reason: 'The same name in another region is another database.',
    given: { reading: reading(demo, { region: 'eu-west-1' }) },
    want: { ok: false, problem: 'metrics are from region "eu-west-1", not "us-west-2"' },
  },
  {
    name: 'region unknown on the resource',
    reason: 'Nothing to compare the metrics region with.',
    given: {
      reading: reading(demo, { region: 'eu-west-1' }),
      context: contextWithoutRegion,
    },
    want: { ok: true, load: demoLoad, samples: demo },
  },
  {
    name: 'no decision metric',
    reason: 'Storage and IOPS alone say nothing about CPU, memory or connections.',
    given: { reading: reading({ FreeStorageSpace: storage }) },
    want: {
      ok: false,
      problem: 'no CPUUtilization, FreeableMemory, DatabaseConnections datapoint',
    },
  },
  {
    name: 'no datapoint at all',
    reason: 'An empty block is not a quiet database.',
    given: { reading: reading({}) },
    want: {
      ok: false,
      problem: 'no CPUUtilization, FreeableMemory, DatabaseConnections datapoint',
    },
  },
  {
    name: 'wrong database and stale',
    reason: 'Whose metrics they are is checked before how old they are.',
    given: {
      reading: reading(
        { ...demo, CPUUtilization: { ...cpu, timestamp: secondsAgo(3600) } },
        { databaseName: 'other' },
      ),
    },
    want: { ok: false, problem: 'metrics are for database "other", not "db" or "db-x7k2p"' },
  },
  {
    name: 'stale and contradictory',
    reason: 'Timing is checked before contradictions.',
    given: {
      reading: reading({ CPUUtilization: { ...cpu, value: 140, timestamp: secondsAgo(3600) } }),
    },
    want: {
      ok: false,
      problem: 'CPUUtilization datapoint at 2025-09-15T11:54:00Z is 1h old (maximum 15m)',
    },
  },
];

describe('usableMetrics', () => {
  test.each(rows)('$name', ({ reason, given, want }) => {
    expect(usableMetrics(given.reading, given.context ?? context), reason).toStrictEqual(want);
  });
});
