/** The replay's command line: defaults, every option, and one line for each mistake. */
import { describe, expect, test } from 'vitest';

import { readOptions } from '../../../tools/replay/options.js';
import type { Options } from '../../../tools/replay/options.js';
import { REPLAY_POLICIES } from '../../../tools/replay/run.js';
import { HAIKU_4_5_PRICES } from '../../../tools/replay/score.js';

const DEFAULTS: Options = {
  help: false,
  traces: ['t.yaml'],
  policies: ['follow'],
  applyDelaySeconds: 480,
  advisorTimeout: '2s',
  flapWindowSeconds: 86_400,
  prices: HAIKU_4_5_PRICES,
  out: 'bench/replay/latest.json',
  chart: 'bench/replay/latest.svg',
  chartWindow: { fromSeconds: 0, toSeconds: Infinity },
};

describe('readOptions', () => {
  test.each<{ name: string; given: string[]; want: Options }>([
    { name: 'the defaults', given: ['t.yaml'], want: DEFAULTS },
    {
      name: 'every shipped trace when none is named',
      given: [],
      want: {
        ...DEFAULTS,
        traces: [
          'examples/traces/cpu-noise.yaml',
          'examples/traces/daily-cycle.yaml',
          'examples/traces/memory-leak.yaml',
          'examples/traces/quiet-day.yaml',
          'examples/traces/spike.yaml',
        ],
      },
    },
    {
      name: 'every policy',
      given: ['t.yaml', '--all-policies'],
      want: { ...DEFAULTS, policies: REPLAY_POLICIES },
    },
    {
      name: 'a list of policies, a fake policy among them',
      given: ['t.yaml', '--policy', 'rules,timeout,status:429'],
      want: { ...DEFAULTS, policies: ['rules', 'timeout', 'status:429'] },
    },
    {
      name: 'durations and prices',
      given: [
        't.yaml',
        '--apply-delay',
        '20m',
        '--advisor-timeout',
        '500ms',
        '--flap-window',
        '1h',
        '--price-input',
        '3',
        '--price-output',
        '15',
        '--price-cache-read',
        '0.3',
        '--price-cache-write',
        '3.75',
      ],
      want: {
        ...DEFAULTS,
        applyDelaySeconds: 1200,
        advisorTimeout: '500ms',
        flapWindowSeconds: 3600,
        prices: { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
      },
    },
    {
      name: 'the chart next to --out, a window of it',
      given: ['t.yaml', '--out', 'x/run.json', '--chart-from', '13h', '--chart-to', '16h30m'],
      want: {
        ...DEFAULTS,
        out: 'x/run.json',
        chart: 'x/run.svg',
        chartWindow: { fromSeconds: 46_800, toSeconds: 59_400 },
      },
    },
  ])('reads $name', ({ given, want }) => {
    expect(readOptions(given)).toEqual({ ok: true, options: want });
  });

  test.each([
    {
      name: 'an unknown policy',
      given: ['t.yaml', '--policy', 'maybe'],
      want: '--policy: "maybe" is not a policy: want rules, follow, veto, scale-up, scale-down, garbage, timeout or a fake Messages API policy',
    },
    {
      name: 'a duration that is not one',
      given: ['t.yaml', '--apply-delay', 'soon'],
      want: '--apply-delay: "soon" is not a duration such as "90s" or "8m"',
    },
    {
      name: 'a model deadline beyond what the input allows',
      given: ['t.yaml', '--advisor-timeout', '2m'],
      want: '--advisor-timeout: "2m" is out of range: want from 0.001s to 50s',
    },
    {
      name: 'a negative price',
      given: ['t.yaml', '--price-output=-5'],
      want: '--price-output: "-5" is not a price: want a non-negative number of dollars',
    },
    {
      name: 'an unknown flag',
      given: ['t.yaml', '--fast'],
      want: "cannot read the command line: Unknown option '--fast'. To specify a positional argument starting with a '-', place it at the end of the command after '--', as in '-- \"--fast\"",
    },
  ])('refuses $name', ({ given, want }) => {
    expect(readOptions(given)).toEqual({ ok: false, message: want });
  });
});
