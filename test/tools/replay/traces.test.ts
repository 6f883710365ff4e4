/**
 * The shipped traces, replayed a whole day through the function with the built-in rules (and the
 * quiet day with a model too): what each is for must hold. A day takes a second or two.
 */
import { describe, expect, test } from 'vitest';

import { runPolicy } from '../../../tools/replay/run.js';
import type { RunOptions, RunResult } from '../../../tools/replay/run.js';
import { HAIKU_4_5_PRICES } from '../../../tools/replay/score.js';
import { loadTrace } from '../../../tools/replay/trace.js';
import type { Trace } from '../../../tools/replay/trace.js';

const options: RunOptions = {
  applyDelaySeconds: 480,
  advisorTimeout: '2s',
  prices: HAIKU_4_5_PRICES,
  flapWindowSeconds: 86_400,
};

async function shipped(name: string): Promise<Trace> {
  const reading = await loadTrace(`examples/traces/${name}.yaml`);
  if (!reading.ok) throw new Error(reading.message);
  return reading.trace;
}

function clock(at: string): number {
  return Date.parse(`2025-09-15T${at}:00Z`);
}

describe('quiet-day', () => {
  test.each(['rules', 'follow'] as const)(
    'started at a class that fits, is never resized and never asks the model (%s)',
    async (policy) => {
      const result = await runPolicy(await shipped('quiet-day'), policy, options);
      expect({
        resizes: result.figures.resizeList,
        modelCalls: result.figures.modelCalls,
        minutesAboveScaleUp: result.figures.minutesAboveScaleUp,
      }).toEqual({ resizes: [], modelCalls: 0, minutesAboveScaleUp: 0 });
    },
  );
});

describe('spike', () => {
  let result: RunResult | undefined;
  const spike = { start: clock('14:01'), end: clock('14:41') };
  const replayed = async (): Promise<RunResult> => {
    result ??= await runPolicy(await shipped('spike'), 'rules', options);
    return result;
  };

  test('is scaled up within two analysis intervals of the crossing, during the spike', async () => {
    const { resizeList } = (await replayed()).figures;
    const ups = resizeList.filter((r) => r.direction === 'up').map((r) => Date.parse(r.at));
    expect(ups.length).toBeGreaterThan(0);
    expect(ups[0]).toBeLessThanOrEqual(spike.start + 10 * 60_000);
    expect(ups.every((at) => at >= spike.start && at < spike.end)).toBe(true);
  });

  test('is not scaled down until the spike has been over for the scale-down window', async () => {
    const { resizeList } = (await replayed()).figures;
    const downs = resizeList.filter((r) => r.direction === 'down').map((r) => Date.parse(r.at));
    expect(downs.length).toBeGreaterThan(0);
    expect(Math.min(...downs)).toBeGreaterThanOrEqual(spike.end + 15 * 60_000);
  });

  test('comes back to the class that fits, without a flap', async () => {
    const { figures, minutes } = await replayed();
    expect({ flaps: figures.flaps, last: minutes.at(-1)?.runningClass }).toEqual({
      flaps: 0,
      last: 'db.t3.small',
    });
  });
});
