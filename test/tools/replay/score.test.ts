/**
 * The figures, on hand-made minutes: flaps (a reversal within the window while the demand that
 * caused the first resize has not moved back), reaction to a
 * threshold crossing, how soon after an overload a scale-down came, model calls per interval,
 * and cost.
 */
import { describe, expect, test } from 'vitest';

import type { Policy } from '../../../src/scaling/policy.js';
import type { Demand } from '../../../tools/replay/demand.js';
import type { ModelCall } from '../../../tools/replay/driver.js';
import { traceInput } from '../../../tools/replay/prompt-input.js';
import type { Minute } from '../../../tools/replay/replay.js';
import {
  costOf,
  flapsOf,
  HAIKU_4_5_PRICES,
  reactionOf,
  score,
} from '../../../tools/replay/score.js';
import type { ScoreContext } from '../../../tools/replay/score.js';
import { QUIET, traceFrom } from './trace-fixtures.js';

const GiB = 1024 ** 3;
const START = Date.parse('2025-09-15T00:00:00Z');

function policy(): Policy {
  const input = traceInput(traceFrom(QUIET), '2s');
  if (!input.ok) throw new Error(input.message);
  return input.input.policy;
}

const ctx: ScoreContext = {
  policy: policy(),
  engine: 'mariadb',
  durationSeconds: 86_400,
  stepSeconds: 60,
  prices: HAIKU_4_5_PRICES,
  flapWindowSeconds: 7200,
};

/** Demands, and how they read on the t3 classes (memory 1, 2, 4 GiB; all 2 vCPUs). */
const FITS_SMALL: Demand = { cpuVcpus: 0.5, memoryBytes: 1.0 * GiB, connections: 20 };
const OVERFLOWS_SMALL: Demand = { cpuVcpus: 0.5, memoryBytes: 1.9 * GiB, connections: 20 };
const IDLE: Demand = { cpuVcpus: 0.2, memoryBytes: 0.3 * GiB, connections: 5 };
const FITS_MICRO: Demand = { cpuVcpus: 0.2, memoryBytes: 0.6 * GiB, connections: 5 };

/** Step is one stretch of minutes: the demand, the class RDS runs, and a resize at its start. */
interface Step {
  readonly minutes: number;
  readonly demand: Demand;
  readonly runs: string;
  readonly resizeTo?: string;
  readonly calls?: number;
}

/**
 * timeline builds minutes from steps. A step with `resizeTo` decides the resize at its first
 * minute and keeps the old class running for the rest of it, the resize in flight; the next step
 * runs the new class.
 */
function timeline(steps: readonly Step[]): Minute[] {
  const minutes: Minute[] = [];
  let previous = steps[0]?.runs ?? '';
  for (const step of steps) {
    for (let i = 0; i < step.minutes; i++) {
      const at = new Date(START + minutes.length * 60_000);
      const resize = i === 0 && step.resizeTo !== undefined;
      const calls: ModelCall[] = Array.from({ length: i === 0 ? (step.calls ?? 0) : 0 }, () => ({
        outcome: 'ok',
        usage: { inputTokens: 500, outputTokens: 60, cacheReadTokens: 376, cacheWriteTokens: 0 },
      }));
      minutes.push({
        at,
        demand: step.demand,
        runningClass: step.runs,
        requestedClass: step.resizeTo ?? step.runs,
        datapoint: {
          at: new Date(at.getTime() - 60_000),
          demand: step.demand,
          instanceClass: step.runs,
        },
        outcome: { modelCalls: calls, results: [], functionCalls: 2 },
        ...(resize && { resize: { from: previous, to: step.resizeTo ?? '' } }),
      });
    }
    previous = step.resizeTo ?? step.runs;
  }
  return minutes;
}

describe('flapsOf', () => {
  interface Row {
    readonly name: string;
    readonly reason: string;
    readonly given: Step[];
    readonly want: { first: string; second: string; minutesApart: number }[];
  }
  const s = 'db.t3.small';
  const m = 'db.t3.medium';
  const u = 'db.t3.micro';
  test.each<Row>([
    {
      name: 'up, then down once the demand is quiet on the old class',
      reason: 'memory fell past even the scale-down threshold on the small: the demand reversed',
      given: [
        { minutes: 10, demand: OVERFLOWS_SMALL, runs: s },
        { minutes: 30, demand: OVERFLOWS_SMALL, runs: s, resizeTo: m },
        { minutes: 30, demand: IDLE, runs: m },
        { minutes: 10, demand: IDLE, runs: m, resizeTo: s },
      ],
      want: [],
    },
    {
      name: 'up, then down while the demand would still overflow the old class',
      reason: 'the scale-up is reversed with the memory still in use',
      given: [
        { minutes: 10, demand: OVERFLOWS_SMALL, runs: s },
        { minutes: 30, demand: OVERFLOWS_SMALL, runs: s, resizeTo: m },
        { minutes: 10, demand: OVERFLOWS_SMALL, runs: m, resizeTo: s },
      ],
      want: [
        {
          first: 'db.t3.small->db.t3.medium',
          second: 'db.t3.medium->db.t3.small',
          minutesApart: 30,
        },
      ],
    },
    {
      name: 'up, then down once the demand fits the old class with room to spare',
      reason: 'the memory that tripped the scale-up is back 35 points clear of its threshold',
      given: [
        { minutes: 10, demand: OVERFLOWS_SMALL, runs: s },
        { minutes: 30, demand: OVERFLOWS_SMALL, runs: s, resizeTo: m },
        { minutes: 10, demand: FITS_SMALL, runs: m, resizeTo: s },
      ],
      want: [],
    },
    {
      name: 'up, then down to a demand just inside the threshold of the old class',
      reason:
        'five points inside the scale-up threshold is noise around it, not a change of demand',
      given: [
        { minutes: 10, demand: OVERFLOWS_SMALL, runs: s },
        { minutes: 30, demand: OVERFLOWS_SMALL, runs: s, resizeTo: m },
        { minutes: 10, demand: { ...FITS_SMALL, memoryBytes: 1.6 * GiB }, runs: m, resizeTo: s },
      ],
      want: [
        {
          first: 'db.t3.small->db.t3.medium',
          second: 'db.t3.medium->db.t3.small',
          minutesApart: 30,
        },
      ],
    },
    {
      name: 'down, then up without the demand overflowing the class it left',
      reason: 'shrinking into a class the demand soon outgrows, and growing back, is a flap',
      given: [
        { minutes: 10, demand: FITS_MICRO, runs: s },
        { minutes: 60, demand: FITS_MICRO, runs: s, resizeTo: u },
        { minutes: 10, demand: { ...FITS_MICRO, memoryBytes: 0.9 * GiB }, runs: u, resizeTo: s },
      ],
      want: [
        { first: 'db.t3.small->db.t3.micro', second: 'db.t3.micro->db.t3.small', minutesApart: 60 },
      ],
    },
    {
      name: 'a reversal later than the window',
      reason: 'a change of class hours later answers a new day, not the old decision',
      given: [
        { minutes: 10, demand: OVERFLOWS_SMALL, runs: s },
        { minutes: 121, demand: OVERFLOWS_SMALL, runs: s, resizeTo: m },
        { minutes: 10, demand: OVERFLOWS_SMALL, runs: m, resizeTo: s },
      ],
      want: [],
    },
    {
      name: 'two steps up and two down, each reversed past its threshold',
      reason: 'pairs are matched innermost first: the second up with the first down',
      given: [
        { minutes: 10, demand: OVERFLOWS_SMALL, runs: u },
        { minutes: 20, demand: OVERFLOWS_SMALL, runs: u, resizeTo: s },
        { minutes: 20, demand: OVERFLOWS_SMALL, runs: s, resizeTo: m },
        { minutes: 20, demand: IDLE, runs: m, resizeTo: s },
        { minutes: 20, demand: IDLE, runs: s, resizeTo: u },
      ],
      want: [],
    },
  ])('$name: $reason', ({ given, want }) => {
    const flaps = flapsOf(timeline(given), ctx).map((f) => ({
      first: `${f.first.from}->${f.first.to}`,
      second: `${f.second.from}->${f.second.to}`,
      minutesApart: f.minutesApart,
    }));
    expect(flaps).toEqual(want);
  });
});

describe('reactionOf', () => {
  const s = 'db.t3.small';
  const m = 'db.t3.medium';
  const l = 'db.t3.large';
  test.each([
    {
      name: 'the minutes from the crossing to the scale-up decision',
      given: [
        { minutes: 10, demand: FITS_SMALL, runs: s },
        { minutes: 3, demand: OVERFLOWS_SMALL, runs: s },
        { minutes: 10, demand: OVERFLOWS_SMALL, runs: s, resizeTo: m },
      ],
      want: { crossings: 1, answered: 1, firstMinutes: 3, medianMinutes: 3, maxMinutes: 3 },
    },
    {
      name: 'a crossing on the largest class is not one a resize can answer',
      given: [
        { minutes: 10, demand: FITS_SMALL, runs: l },
        { minutes: 10, demand: { ...FITS_SMALL, cpuVcpus: 2 }, runs: l },
      ],
      want: {
        crossings: 0,
        answered: 0,
        firstMinutes: null,
        medianMinutes: null,
        maxMinutes: null,
      },
    },
    {
      name: 'a blip shorter than an interval, never answered, then a crossing that is',
      given: [
        { minutes: 2, demand: OVERFLOWS_SMALL, runs: s },
        { minutes: 10, demand: FITS_SMALL, runs: s },
        { minutes: 1, demand: OVERFLOWS_SMALL, runs: s },
        { minutes: 5, demand: OVERFLOWS_SMALL, runs: s, resizeTo: m },
      ],
      want: { crossings: 2, answered: 1, firstMinutes: 1, medianMinutes: 1, maxMinutes: 1 },
    },
  ])('$name', ({ given, want }) => {
    expect(reactionOf(timeline(given), ctx)).toEqual(want);
  });

  test('counts minutes, not steps, when a run comes every two minutes', () => {
    const steps = [
      { minutes: 5, demand: FITS_SMALL, runs: s },
      { minutes: 3, demand: OVERFLOWS_SMALL, runs: s },
      { minutes: 5, demand: OVERFLOWS_SMALL, runs: s, resizeTo: m },
    ];
    const reaction = reactionOf(timeline(steps), { ...ctx, stepSeconds: 120 });
    expect(reaction).toMatchObject({ answered: 1, firstMinutes: 6 });
  });
});

describe('score', () => {
  test('counts calls, tokens, cost per day and the wait before a scale-down', () => {
    const s = 'db.t3.small';
    const m = 'db.t3.medium';
    const figures = score(
      timeline([
        { minutes: 10, demand: FITS_SMALL, runs: s },
        { minutes: 30, demand: OVERFLOWS_SMALL, runs: s, resizeTo: m, calls: 1 },
        { minutes: 20, demand: IDLE, runs: m },
        { minutes: 10, demand: IDLE, runs: m, resizeTo: s, calls: 1 },
        { minutes: 10, demand: FITS_SMALL, runs: s },
      ]),
      { ...ctx, durationSeconds: 80 * 60 },
    );
    const { resizeList: _resizes, flapList: _flaps, ...rest } = figures;
    const perDay = 86_400 / (80 * 60);
    expect(rest).toEqual({
      runs: 80,
      functionCalls: 160,
      analyses: 0,
      modelCalls: 2,
      maxModelCallsPerInterval: 1,
      modelCallsAfterLastResize: 0,
      answeredFromMemory: 0,
      tokens: { input: 1000, output: 120, cacheRead: 752, cacheWrite: 0 },
      tokensPerCall: 936,
      costPerDay: ((1000 * 1 + 120 * 5 + 752 * 0.1) / 1e6) * perDay,
      costPerDayUncached: ((1752 * 1 + 120 * 5) / 1e6) * perDay,
      resizes: 2,
      flaps: 0,
      reaction: {
        crossings: 0,
        answered: 0,
        firstMinutes: null,
        medianMinutes: null,
        maxMinutes: null,
      },
      minutesAboveScaleUp: 30,
      scaleDownAfterOverloadMinutes: 20,
      refused: 0,
      fallbacks: 0,
      failedCalls: {},
      fatal: 0,
    });
  });

  test('counts every model call within one analysis interval', () => {
    const s = 'db.t3.small';
    const figures = score(
      timeline([
        { minutes: 2, demand: FITS_SMALL, runs: s, calls: 1 },
        { minutes: 3, demand: FITS_SMALL, runs: s, calls: 1 },
        { minutes: 10, demand: FITS_SMALL, runs: s, calls: 1 },
      ]),
      ctx,
    );
    expect(figures.maxModelCallsPerInterval).toBe(2);
  });

  test('counts minutes above a threshold and before a scale-down in minutes, whatever the step', () => {
    const s = 'db.t3.small';
    const m = 'db.t3.medium';
    const figures = score(
      timeline([
        { minutes: 5, demand: FITS_SMALL, runs: s },
        { minutes: 15, demand: OVERFLOWS_SMALL, runs: s, resizeTo: m },
        { minutes: 10, demand: IDLE, runs: m },
        { minutes: 5, demand: IDLE, runs: m, resizeTo: s },
      ]),
      { ...ctx, stepSeconds: 120, durationSeconds: 70 * 60 },
    );
    expect(figures.minutesAboveScaleUp).toBe(30);
    expect(figures.scaleDownAfterOverloadMinutes).toBe(20);
  });
});

describe('costOf', () => {
  test.each([
    {
      name: 'prices cache reads and writes as such',
      cached: true,
      want: (1_000_000 * 1 + 100_000 * 5 + 2_000_000 * 0.1 + 400_000 * 1.25) / 1e6,
    },
    {
      name: 'or every input token at the input price',
      cached: false,
      want: (3_400_000 * 1 + 100_000 * 5) / 1e6,
    },
  ])('$name', ({ cached, want }) => {
    const tokens = { input: 1_000_000, output: 100_000, cacheRead: 2_000_000, cacheWrite: 400_000 };
    expect(costOf(tokens, HAIKU_4_5_PRICES, cached)).toBeCloseTo(want, 10);
  });
});
