/**
 * Behaviour of src/ that the replay found to differ from what the README promises, now kept:
 * each test states the promise; tools/replay/README.md ("What the replay found") has the figures.
 */
import { describe, expect, test } from 'vitest';

import type { Advisor } from '../../../src/scaling/advisor.js';
import { decide } from '../../../src/scaling/decide.js';
import type { DecideInput } from '../../../src/scaling/decide.js';
import { readPerformanceMetrics } from '../../../src/resource/performance-metrics.js';
import type { StateReading } from '../../../src/scaling/state.js';
import { EMPTY_STATE } from '../../../src/scaling/state.js';
import { runPolicy } from '../../../tools/replay/run.js';
import { HAIKU_4_5_PRICES } from '../../../tools/replay/score.js';
import { GiB, NOW, performanceMetrics, policyWith } from '../../fixtures/scaling.js';
import { MEMORY_STEP, traceFrom } from './trace-fixtures.js';

/** vetoing is a model that declines every resize, counting how often it is asked. */
function vetoing(): Advisor & { asked: number } {
  const advisor = {
    name: 'claude',
    asked: 0,
    advise: () => {
      advisor.asked += 1;
      return Promise.resolve({
        ok: true as const,
        advice: { decision: 'NoChange' as const, instanceClass: 'db.t3.small', reasoning: 'No.' },
        decidedBy: 'claude/test',
      });
    },
  };
  return advisor;
}

function at(minutes: number): Date {
  return new Date(NOW.getTime() + minutes * 60_000);
}

describe('src/scaling/decide.ts', () => {
  // README ("What it costs"): "a repeated identical answer stands for 2, 4, 8, then at most 12
  // intervals, unless a scale-up trigger it did not see appears". Here the model vetoes a
  // scale-up on CPU; the next analysis sees CPU just under the threshold; two minutes later CPU is
  // over it again: the same trigger the model saw, 7 minutes after its answer, inside the
  // 10-minute hold. The hold must compare with the triggers the model answered about, not with
  // the last analysis's, or the flicker counts as new (cpu-noise with a vetoing model once made
  // 135 calls a day this way).
  test('a vetoing model is not asked again when a trigger it saw flickers back', async () => {
    const advisor = vetoing();
    const policy = policyWith();
    const step = async (minutes: number, cpuPercent: number, state: StateReading) => {
      const now = at(minutes);
      const input: DecideInput = {
        now,
        policy,
        subject: {
          kind: 'XSQLInstance',
          name: 'db',
          engine: 'mariadb',
          instanceClass: 'db.t3.small',
          databaseNames: ['db'],
        },
        metrics: readPerformanceMetrics(
          performanceMetrics(
            { cpuPercent, freeableMemoryBytes: 1 * GiB, connections: 10, ageMinutes: 1 },
            'db',
            now,
          ),
        ),
        state,
        advisor,
        signal: AbortSignal.timeout(1000),
      };
      const decision = await decide(input);
      return { ok: true as const, state: decision.state ?? EMPTY_STATE };
    };
    const vetoed = await step(0, 88, { ok: true, state: EMPTY_STATE });
    const calm = await step(5, 84, vetoed);
    expect(advisor.asked).toBe(1);
    await step(7, 88, calm);
    expect(advisor.asked).toBe(1);
  });

  // README ("How it decides", gate 3): the function never decides on metrics of the old class.
  // An RDS modification takes minutes, and the datapoints taken between the request and its
  // completion are still the old class's; when the modification takes as long as the cooldown
  // (here 20 minutes), reading the small's last minute as the medium's (2.5% free) would scale
  // again. Comparing datapoints with last-scaled alone once did exactly that.
  test('a resize is not followed by another decided on the old class metrics', async () => {
    const trace = { ...traceFrom(MEMORY_STEP), durationSeconds: 45 * 60 };
    const result = await runPolicy(trace, 'rules', {
      applyDelaySeconds: 20 * 60,
      advisorTimeout: '2s',
      prices: HAIKU_4_5_PRICES,
      flapWindowSeconds: 7200,
    });
    expect(result.figures.resizeList.map((r) => `${r.from}->${r.to}`)).toEqual([
      'db.t3.small->db.t3.medium',
    ]);
  });
});
