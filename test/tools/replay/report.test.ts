/**
 * The report and the chart, from two short replays: our figures as ratios to the naive
 * policy's, the targets measured (or said to be unmeasured), the tables, and an SVG a browser
 * can draw.
 */
import { beforeAll, describe, expect, test } from 'vitest';

import { renderChart } from '../../../tools/replay/chart.js';
import { traceInput } from '../../../tools/replay/prompt-input.js';
import { buildReport, formatReport } from '../../../tools/replay/report.js';
import type { Report, TraceRuns } from '../../../tools/replay/report.js';
import { runNaive, runPolicy } from '../../../tools/replay/run.js';
import type { RunOptions } from '../../../tools/replay/run.js';
import { HAIKU_4_5_PRICES } from '../../../tools/replay/score.js';
import { MEMORY_STEP, traceFrom } from './trace-fixtures.js';

const options: RunOptions = {
  applyDelaySeconds: 480,
  advisorTimeout: '2s',
  prices: HAIKU_4_5_PRICES,
  flapWindowSeconds: 7200,
};

let runs: TraceRuns;
let report: Report;

beforeAll(async () => {
  const trace = traceFrom(MEMORY_STEP);
  const input = traceInput(trace, '2s');
  if (!input.ok) throw new Error(input.message);
  runs = {
    policy: input.input.policy,
    naive: await runNaive(trace, options),
    runs: [await runPolicy(trace, 'follow', options)],
  };
  report = buildReport([runs], { ...options }, new Date('2025-09-15T00:00:00Z'));
});

describe('buildReport', () => {
  test('puts each figure next to the naive policy, as ours over theirs', () => {
    const versus = report.traces[0]?.policies[0]?.versusNaive;
    expect({ calls: versus?.modelCalls, resizes: versus?.resizes }).toEqual({
      calls: { ours: 1, naive: 30, ratio: 1 / 30 },
      resizes: { ours: 1, naive: 1, ratio: 1 },
    });
  });

  test('measures each target on the replays that bear on it, and says which were not', () => {
    expect(report.targets.map((t) => [t.id, t.met])).toEqual([
      ['calls-per-interval', true],
      ['quiet-day-settled', null],
      ['follow-calls-100x', false],
      ['follow-tokens-3x', true],
      ['veto-not-every-interval', null],
      ['zero-flaps', true],
      ['follow-no-refusals', true],
      ['spike-reaction', null],
      ['spike-no-early-scale-down', null],
    ]);
  });
});

describe('the target for a vetoing model', () => {
  /** vetoing reports a veto run whose model was asked `calls` times and answered from memory. */
  function vetoing(calls: number, fromMemory: number): boolean | null | undefined {
    const [run] = runs.runs;
    if (run === undefined) throw new Error('no run');
    const figures = { ...run.figures, modelCalls: calls, answeredFromMemory: fromMemory };
    const veto = { ...run, policy: 'veto', figures };
    const built = buildReport([{ ...runs, runs: [veto] }], { ...options }, new Date(0));
    return built.targets.find((t) => t.id === 'veto-not-every-interval')?.met;
  }

  test.each([
    { name: 'asked at every analysis', calls: 10, fromMemory: 0, met: false },
    { name: 'asked at most analyses', calls: 6, fromMemory: 4, met: false },
    { name: 'asked at every other analysis', calls: 5, fromMemory: 5, met: true },
    { name: 'asked once, then held', calls: 3, fromMemory: 30, met: true },
  ])('$name: met $met', ({ calls, fromMemory, met }) => {
    expect(vetoing(calls, fromMemory)).toBe(met);
  });
});

describe('formatReport', () => {
  test('writes a table of figures, one of ratios, one of totals, and the targets', () => {
    const text = formatReport(report);
    expect(text).toContain('| memory-step | follow | 1 | 1 | 0 | 0 |');
    expect(text).toContain('| memory-step | naive | 30 | 5 |');
    expect(text).toContain('| memory-step | follow | 1 vs 30 (30x fewer) |');
    expect(text).toContain('- MISSED: With the model that follows the rules, at least 100x');
    expect(text).toContain('- NOT MEASURED: On the quiet day');
  });
});

describe('renderChart', () => {
  test('draws both series, both thresholds of each, and both class lines', () => {
    const svg = renderChart({
      trace: 'memory-step',
      engine: 'mariadb',
      policy: runs.policy,
      ours: { label: 'function, follow', minutes: runs.runs[0]?.minutes ?? [] },
      naive: { label: 'demo, naive', minutes: runs.naive.minutes },
    });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    for (const label of ['CPU up 85%', 'CPU down 20%', 'mem up 15%', 'mem down 60%']) {
      expect(svg).toContain(label);
    }
    for (const cls of ['db.t3.micro', 'db.t3.small', 'db.t3.medium', 'db.t3.large']) {
      expect(svg).toContain(`>${cls}</text>`);
    }
    expect(svg.match(/<path d="M[^"]*" fill="none"/g)?.length).toBe(4);
    // One resize each, one triangle each.
    expect(svg.match(/Z" fill=/g)?.length).toBe(2);
    expect(svg).not.toMatch(/NaN|undefined/);
  });
});
