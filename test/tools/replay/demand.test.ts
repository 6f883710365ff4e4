/**
 * Demand and what CloudWatch makes of it: piecewise-linear signals, seeded noise that is the same
 * every run, and the metrics a class reports under a demand, as the thresholds read them.
 */
import { describe, expect, test } from 'vitest';

import { instanceClass } from '../../../src/scaling/instance-classes.js';
import type { InstanceClass } from '../../../src/scaling/instance-classes.js';
import { demandAt, interpolate, unitNoise } from '../../../tools/replay/demand.js';
import type { Demand } from '../../../tools/replay/demand.js';
import {
  metricsOn,
  performanceMetrics,
  quietOn,
  upTriggers,
  utilisationOn,
} from '../../../tools/replay/metrics.js';
import type { ClassMetrics } from '../../../tools/replay/metrics.js';
import { traceInput } from '../../../tools/replay/prompt-input.js';
import { traceFrom, QUIET } from './trace-fixtures.js';

const GiB = 1024 ** 3;

function cls(name: string): InstanceClass {
  const found = instanceClass(name);
  if (found === undefined) throw new Error(`no class ${name}`);
  return found;
}

describe('interpolate', () => {
  const points = [
    { atSeconds: 600, value: 1 },
    { atSeconds: 1200, value: 3 },
    { atSeconds: 1800, value: 3 },
  ];
  test.each([
    { name: 'flat before the first point', at: 0, want: 1 },
    { name: 'at a point', at: 1200, want: 3 },
    { name: 'halfway along a segment', at: 900, want: 2 },
    { name: 'on a flat segment', at: 1500, want: 3 },
    { name: 'flat after the last point', at: 9000, want: 3 },
  ])('$name', ({ at, want }) => {
    expect(interpolate(points, at)).toBe(want);
  });
});

describe('unitNoise', () => {
  test('is the same for the same seed, stream and step, and differs otherwise', () => {
    const draws = [
      unitNoise(7, 0, 10),
      unitNoise(7, 0, 10),
      unitNoise(7, 1, 10),
      unitNoise(8, 0, 10),
    ];
    expect(draws[0]).toBe(draws[1]);
    expect(new Set(draws).size).toBe(3);
  });

  test('stays within [-1, 1) and spreads over it', () => {
    const draws = Array.from({ length: 2000 }, (_, step) => unitNoise(1, 0, step));
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...draws)).toBeLessThan(1);
    expect(Math.min(...draws)).toBeLessThan(-0.95);
    expect(Math.max(...draws)).toBeGreaterThan(0.95);
  });
});

describe('demandAt', () => {
  const trace = traceFrom(`
start: '2025-09-15T00:00:00Z'
duration: 1h
engine: postgres
startClass: db.t3.small
seed: 9
demand:
  cpu:
    noise: 0.1
    points: [{ at: 0, value: 1 }, { at: 1h, value: 2 }]
  memory:
    points: [{ at: 0, value: 1Gi }]
  connections:
    points: [{ at: 0, value: 10 }, { at: 30m, value: 40 }]
  writeIops:
    points: [{ at: 0, value: 5 }]
`);

  test('reads every signal the trace gives, and only those', () => {
    const { cpuVcpus, ...rest } = demandAt(trace, new Date('2025-09-15T00:15:00Z'));
    expect(rest).toEqual({ memoryBytes: GiB, connections: 25, writeIops: 5 });
    expect(Math.abs(cpuVcpus - 1.25)).toBeLessThanOrEqual(0.1);
  });

  test('keeps noise within its amplitude, the same every time', () => {
    for (let minute = 0; minute < 60; minute++) {
      const at = new Date(trace.start.getTime() + minute * 60_000);
      const cpu = demandAt(trace, at).cpuVcpus;
      expect(Math.abs(cpu - (1 + minute / 60))).toBeLessThanOrEqual(0.1);
      expect(demandAt(trace, at).cpuVcpus).toBe(cpu);
    }
  });

  test('is the demand at the start before the start', () => {
    const before = demandAt(trace, new Date('2025-09-14T23:59:00Z'));
    expect(before).toEqual(demandAt(trace, trace.start));
  });
});

describe('metricsOn', () => {
  interface Row {
    readonly name: string;
    readonly given: { demand: Demand; cls: string };
    readonly want: ClassMetrics;
  }
  test.each<Row>([
    {
      name: 'a share of the vCPUs and what is left of the memory',
      given: {
        demand: { cpuVcpus: 1, memoryBytes: 1.5 * GiB, connections: 12 },
        cls: 'db.t3.medium',
      },
      want: { cpuPercent: 50, freeableMemoryBytes: 2.5 * GiB, connections: 12 },
    },
    {
      name: 'CPU capped at 100% when the demand saturates the class',
      given: { demand: { cpuVcpus: 3, memoryBytes: 0, connections: 0 }, cls: 'db.t3.micro' },
      want: { cpuPercent: 100, freeableMemoryBytes: GiB, connections: 0 },
    },
    {
      name: 'free memory floored at 0 when the demand exceeds the class',
      given: {
        demand: { cpuVcpus: 0.2, memoryBytes: 3 * GiB, connections: 1 },
        cls: 'db.t3.small',
      },
      want: { cpuPercent: 10, freeableMemoryBytes: 0, connections: 1 },
    },
    {
      name: 'a class with more vCPUs sees less CPU',
      given: {
        demand: { cpuVcpus: 1.7, memoryBytes: 4 * GiB, connections: 0 },
        cls: 'db.m6g.xlarge',
      },
      want: { cpuPercent: 42.5, freeableMemoryBytes: 12 * GiB, connections: 0 },
    },
    {
      name: 'IOPS as they are, free storage out of the allocation',
      given: {
        demand: {
          cpuVcpus: 0,
          memoryBytes: 0,
          connections: 0,
          readIops: 3,
          writeIops: 4,
          storageBytes: 5 * GiB,
        },
        cls: 'db.t3.micro',
      },
      want: {
        cpuPercent: 0,
        freeableMemoryBytes: GiB,
        connections: 0,
        readIops: 3,
        writeIops: 4,
        freeStorageBytes: 15 * GiB,
      },
    },
  ])('$name', ({ given, want }) => {
    expect(metricsOn(given.demand, cls(given.cls), 20)).toEqual(want);
  });
});

describe('thresholds on a demand', () => {
  const input = traceInput(traceFrom(QUIET), '2s');
  const policy = input.ok ? input.input.policy : undefined;

  test.each([
    {
      name: 'memory crosses on the small class and not on the medium',
      given: { cpuVcpus: 0.5, memoryBytes: 1.9 * GiB, connections: 20 },
      want: { small: ['memory'], medium: [] },
    },
    {
      name: 'CPU crosses on every t3 class: they all have 2 vCPUs',
      given: { cpuVcpus: 1.9, memoryBytes: 0.5 * GiB, connections: 20 },
      want: { small: ['cpu'], medium: ['cpu'] },
    },
  ])('$name', ({ given, want }) => {
    if (policy === undefined) throw new Error('no policy');
    const on = (name: string) =>
      upTriggers(given, cls(name), 'mariadb', policy).map((f) => f.signal);
    expect({ small: on('db.t3.small'), medium: on('db.t3.medium') }).toEqual(want);
  });

  test('quiet only when every scale-down condition holds', () => {
    if (policy === undefined) throw new Error('no policy');
    const idle = { cpuVcpus: 0.2, memoryBytes: 0.5 * GiB, connections: 5 };
    expect(quietOn(idle, cls('db.t3.medium'), 'mariadb', policy)).toBe(true);
    expect(quietOn(idle, cls('db.t3.micro'), 'mariadb', policy)).toBe(false);
    expect(utilisationOn(idle, cls('db.t3.micro'), 'mariadb').freeMemoryPercent).toBe(50);
  });
});

describe('performanceMetrics', () => {
  test('writes what the demo metrics step writes', () => {
    const written = performanceMetrics(
      { cpuPercent: 12.5, freeableMemoryBytes: 1000, connections: 3, readIops: 1 },
      {
        databaseName: 'db',
        region: 'us-west-2',
        datapointAt: new Date('2025-09-15T12:52:00Z'),
        collectedAt: new Date('2025-09-15T12:53:00Z'),
      },
    );
    const at = '2025-09-15T12:52:00Z';
    expect(written).toEqual({
      databaseName: 'db',
      metrics: {
        CPUUtilization: { timestamp: at, unit: 'Percent', value: 12.5 },
        DatabaseConnections: { timestamp: at, unit: 'Count', value: 3 },
        FreeableMemory: { timestamp: at, unit: 'Bytes', value: 1000 },
        ReadIOPS: { timestamp: at, unit: 'Count/Second', value: 1 },
      },
      region: 'us-west-2',
      timestamp: '2025-09-15T12:53:00.000Z',
    });
  });
});
