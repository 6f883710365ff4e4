/**
 * The scale-down projection: the load moved onto the smaller class, and ahead along the growth
 * it showed over the quiet window, must stay clear of every scale-up threshold by the headroom.
 */
import { describe, expect, test } from 'vitest';

import { instanceClass } from '../../src/scaling/instance-classes.js';
import type { InstanceClass } from '../../src/scaling/instance-classes.js';
import { horizonSeconds, loadAhead, projectScaleDown } from '../../src/scaling/projection.js';
import type { ScaleDownProjection } from '../../src/scaling/projection.js';
import type { Load } from '../../src/scaling/utilisation.js';
import { GiB, policyWith } from '../fixtures/scaling.js';

const MiB = 1024 ** 2;

function known(name: string): InstanceClass {
  const cls = instanceClass(name);
  if (cls === undefined) throw new Error(name);
  return cls;
}

describe('loadAhead', () => {
  test.each<{
    name: string;
    reason: string;
    given: [Load, Load | undefined, number, number];
    want: Load;
  }>([
    {
      name: 'no baseline',
      reason: 'without a trend the load is taken as it is',
      given: [{ cpuPercent: 10 }, undefined, 900, 3600],
      want: { cpuPercent: 10 },
    },
    {
      name: 'growing memory use',
      reason: '50 MiB more in use over 15 minutes is 200 MiB more an hour on',
      given: [{ freeableMemoryBytes: 1400 * MiB }, { freeableMemoryBytes: 1450 * MiB }, 900, 3600],
      want: { freeableMemoryBytes: 1200 * MiB },
    },
    {
      name: 'falling load',
      reason: 'only growth counts: a database calming down is taken as it is now',
      given: [{ cpuPercent: 5, connections: 2 }, { cpuPercent: 15, connections: 9 }, 900, 3600],
      want: { cpuPercent: 5, connections: 2 },
    },
    {
      name: 'bounded',
      reason: 'CPU cannot pass 100% and free memory cannot fall below zero',
      given: [
        { cpuPercent: 60, freeableMemoryBytes: 100 * MiB },
        { cpuPercent: 10, freeableMemoryBytes: GiB },
        900,
        3600,
      ],
      want: { cpuPercent: 100, freeableMemoryBytes: 0 },
    },
  ])('$name: $reason', ({ given, want }) => {
    expect(loadAhead(...given)).toEqual(want);
  });
});

describe('projectScaleDown', () => {
  const policy = policyWith();
  const small = known('db.t3.small');
  const base = {
    policy,
    current: small,
    smaller: 'db.t3.micro',
    engine: 'mariadb' as const,
    quietSeconds: 900,
  };

  test.each<{
    name: string;
    reason: string;
    given: { load: Load; baseline?: Load };
    want: ScaleDownProjection;
  }>([
    {
      name: 'a flat, small load',
      reason: 'the micro holds it with room to spare',
      given: { load: { cpuPercent: 5, freeableMemoryBytes: 1.5 * GiB, connections: 5 } },
      want: { triggers: [], fromTrend: true },
    },
    {
      name: 'tight now',
      reason: '0.78 GiB in use leaves the micro 22% free, under 15% + 10 points of headroom',
      given: { load: { cpuPercent: 5, freeableMemoryBytes: 1.22 * GiB, connections: 5 } },
      want: {
        triggers: [
          {
            signal: 'memory',
            value: expect.closeTo(22, 0) as number,
            limit: 25,
            comparison: '<',
            holds: true,
          },
        ],
        fromTrend: false,
      },
    },
    {
      name: 'a slow leak',
      reason: 'fine now, but 200 MiB more an hour overflows the micro within the hour',
      given: {
        load: { cpuPercent: 5, freeableMemoryBytes: 1.4 * GiB, connections: 5 },
        baseline: { cpuPercent: 5, freeableMemoryBytes: 1.4 * GiB + 50 * MiB, connections: 5 },
      },
      want: {
        triggers: [
          {
            signal: 'memory',
            value: expect.closeTo(20.5, 0) as number,
            limit: 25,
            comparison: '<',
            holds: true,
          },
        ],
        fromTrend: true,
      },
    },
  ])('$name: $reason', ({ given, want }) => {
    expect(projectScaleDown({ ...base, ...given })).toEqual(want);
  });

  test('looks an hour ahead, or four scale-down windows when longer', () => {
    expect(horizonSeconds(policyWith({ scaleDownWindowSeconds: 900 }))).toBe(3600);
    expect(horizonSeconds(policyWith({ scaleDownWindowSeconds: 1800 }))).toBe(7200);
  });
});
