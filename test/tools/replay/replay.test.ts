/**
 * The replay loop on a 30-minute trace: each minute a CronOperation run through the real
 * RunFunction, the call-again for the RDS Instance, annotations carried from run to run, metrics
 * a minute behind the clock on the class RDS was running, and a new class reaching RDS only after
 * the modification delay. Rules and a model that follows them, through the fake Messages API.
 */
import { describe, expect, test } from 'vitest';

import type { Minute } from '../../../tools/replay/replay.js';
import { runPolicy } from '../../../tools/replay/run.js';
import type { RunOptions } from '../../../tools/replay/run.js';
import { HAIKU_4_5_PRICES } from '../../../tools/replay/score.js';
import { MEMORY_STEP, QUIET, traceFrom } from './trace-fixtures.js';

const options: RunOptions = {
  applyDelaySeconds: 480,
  advisorTimeout: '2s',
  prices: HAIKU_4_5_PRICES,
  flapWindowSeconds: 7200,
};

/** What one minute looks like from outside, in a line: what was decided and what RDS runs. */
function summary(m: Minute): string {
  const d = m.outcome.decision;
  const what =
    d === undefined
      ? 'no decision'
      : !d.analyzed
        ? (d.skipReason ?? 'skipped')
        : d.blockedByCooldown === true
          ? 'Cooldown'
          : d.verdict;
  const resize = m.resize === undefined ? '' : ` ${m.resize.from}->${m.resize.to}`;
  const calls = m.outcome.modelCalls.length > 0 ? ` calls=${m.outcome.modelCalls.length}` : '';
  return `${m.at.toISOString().slice(11, 16)} ${what}${resize} runs=${m.runningClass}${calls}`;
}

function repeat(from: number, to: number, line: (minute: string) => string): string[] {
  return Array.from({ length: to - from + 1 }, (_, i) => line(String(from + i).padStart(2, '0')));
}

describe('replay', () => {
  test('scales a memory step up once, waits for RDS, and holds the next step for the cooldown', async () => {
    const result = await runPolicy(traceFrom(MEMORY_STEP), 'rules', options);
    const small = 'runs=db.t3.small';
    const medium = 'runs=db.t3.medium';
    expect(result.minutes.map(summary)).toEqual([
      `12:00 NoChange ${small}`,
      ...repeat(1, 4, (m) => `12:${m} RateLimited ${small}`),
      `12:05 NoChange ${small}`,
      ...repeat(6, 9, (m) => `12:${m} RateLimited ${small}`),
      `12:10 NoChange ${small}`,
      // The datapoint of 12:10 still shows 1 GiB in use; the new trigger cuts the wait short.
      `12:11 RateLimited ${small}`,
      `12:12 ScaleUp db.t3.small->db.t3.medium ${small}`,
      // The 12:12 datapoint was taken before the resize was asked for.
      `12:13 PendingResize ${small}`,
      ...repeat(14, 16, (m) => `12:${m} RateLimited ${small}`),
      ...repeat(17, 19, (m) => `12:${m} PendingResize ${small}`),
      // RDS reports the medium from 12:20; the function records that and waits for a datapoint
      // taken on it (12:21's is the first), rather than read the small's as the medium's.
      `12:20 PendingResize ${medium}`,
      `12:21 PendingResize ${medium}`,
      `12:22 NoChange ${medium}`,
      ...repeat(23, 26, (m) => `12:${m} RateLimited ${medium}`),
      `12:27 NoChange ${medium}`,
      ...repeat(28, 29, (m) => `12:${m} RateLimited ${medium}`),
    ]);
  });

  test('asks for the RDS Instance and is called again with it, every run', async () => {
    const result = await runPolicy(traceFrom(QUIET), 'rules', options);
    expect(result.minutes.map((m) => m.outcome.functionCalls)).toEqual(Array(30).fill(2));
  });

  test('sends metrics a minute behind the clock, taken on the class RDS ran then', async () => {
    const result = await runPolicy(traceFrom(MEMORY_STEP), 'rules', options);
    const at = (hhmm: string) => result.minutes.find((m) => m.at.toISOString().includes(hhmm));
    const datapoint = (m: Minute | undefined) => ({
      at: m?.datapoint.at.toISOString(),
      cls: m?.datapoint.instanceClass,
    });
    expect([datapoint(at('T12:12')), datapoint(at('T12:20')), datapoint(at('T12:21'))]).toEqual([
      { at: '2025-09-15T12:11:00.000Z', cls: 'db.t3.small' },
      { at: '2025-09-15T12:19:00.000Z', cls: 'db.t3.small' },
      { at: '2025-09-15T12:20:00.000Z', cls: 'db.t3.medium' },
    ]);
  });

  test.each([
    { name: 'at once', applyDelaySeconds: 0, want: '12:13' },
    { name: 'after 8 minutes', applyDelaySeconds: 480, want: '12:20' },
    { name: 'after 15 minutes', applyDelaySeconds: 900, want: '12:27' },
  ])('applies the new class to RDS $name', async ({ applyDelaySeconds, want }) => {
    const result = await runPolicy(traceFrom(MEMORY_STEP), 'rules', {
      ...options,
      applyDelaySeconds,
    });
    const first = result.minutes.find((m) => m.runningClass === 'db.t3.medium');
    expect(first?.at.toISOString().slice(11, 16)).toBe(want);
  });

  test('with a model that follows the rules, asks it once, about the one resize', async () => {
    const result = await runPolicy(traceFrom(MEMORY_STEP), 'follow', options);
    const asked = result.minutes.filter((m) => m.outcome.modelCalls.length > 0).map(summary);
    expect({
      asked,
      decidedBy: result.figures.resizeList.map((r) => r.decidedBy),
      httpRequests: result.httpRequests,
    }).toEqual({
      asked: ['12:12 ScaleUp db.t3.small->db.t3.medium runs=db.t3.small calls=1'],
      decidedBy: ['claude/claude-haiku-4-5'],
      httpRequests: 1,
    });
  });
});
