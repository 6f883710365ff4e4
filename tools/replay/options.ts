/**
 * The replay's command line, parsed once into validated options. A bad flag is one line.
 */
import { readdirSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { parseArgs } from 'node:util';

import { DURATION_PATTERN, parseDurationSeconds } from '../../src/input/duration.js';
import { MAX_ADVISOR_TIMEOUT_SECONDS } from '../../src/input/prompt.js';
import { formatDuration } from '../../src/time.js';
import { DEFAULT_ADVISOR_TIMEOUT } from './prompt-input.js';
import { DEFAULT_APPLY_DELAY_SECONDS } from './replay.js';
import { isReplayPolicy, REPLAY_POLICIES } from './run.js';
import type { ReplayPolicy } from './run.js';
import { DEFAULT_FLAP_WINDOW_SECONDS, HAIKU_4_5_PRICES } from './score.js';
import type { Prices } from './score.js';

/** TRACES_DIR is where the shipped traces live, replayed when no trace is named. */
export const TRACES_DIR = join('examples', 'traces');

/** DEFAULT_OUT is where the JSON goes unless --out says otherwise. */
export const DEFAULT_OUT = join('bench', 'replay', 'latest.json');

/** Options are a validated command line. */
export interface Options {
  readonly help: boolean;
  /** Trace files, in the order given. */
  readonly traces: readonly string[];
  readonly policies: readonly ReplayPolicy[];
  readonly applyDelaySeconds: number;
  /** The Prompt's spec.advisor.timeout, a duration such as "2s". */
  readonly advisorTimeout: string;
  readonly flapWindowSeconds: number;
  /** US dollars per million tokens. */
  readonly prices: Prices;
  readonly out: string;
  readonly chart: string;
  /** The trace to chart; default the first. */
  readonly chartTrace?: string;
  /** The policy to chart against the naive one; default follow when replayed, else the first. */
  readonly chartPolicy?: string;
  /** The part of the trace to chart, in seconds from its start; default all of it. */
  readonly chartWindow: { readonly fromSeconds: number; readonly toSeconds: number };
}

/** OptionsReading is the options, or one line saying what is wrong with the command line. */
export type OptionsReading =
  | { readonly ok: true; readonly options: Options }
  | { readonly ok: false; readonly message: string };

/** USAGE is printed by --help. */
export const USAGE = `usage: npm run replay -- [trace.yaml ...] [options]

Replays each trace (default: every examples/traces/*.yaml) through the function as a CronOperation
that runs every minute, and through the public demo's naive policy, and reports model calls,
tokens, cost per day, resizes, flaps and reaction times. See tools/replay/README.md.

  --policy NAME[,NAME]   who advises: rules (no model), ${REPLAY_POLICIES.slice(1).join(', ')},
                         or any policy of the fake Messages API (default follow)
  --all-policies         every policy above
  --apply-delay DUR      how long RDS takes to apply a new class (default ${formatDuration(DEFAULT_APPLY_DELAY_SECONDS)})
  --advisor-timeout DUR  the input's spec.advisor.timeout (default ${DEFAULT_ADVISOR_TIMEOUT})
  --flap-window DUR      how soon a reversal must come to count as a flap (default ${formatDuration(DEFAULT_FLAP_WINDOW_SECONDS)})
  --price-input N        $ per million input tokens (default ${HAIKU_4_5_PRICES.input})
  --price-output N       $ per million output tokens (default ${HAIKU_4_5_PRICES.output})
  --price-cache-read N   $ per million cache-read tokens (default ${HAIKU_4_5_PRICES.cacheRead})
  --price-cache-write N  $ per million cache-write tokens (default ${HAIKU_4_5_PRICES.cacheWrite})
  --out FILE             the JSON report (default ${DEFAULT_OUT})
  --chart FILE           the SVG chart (default: --out with .svg)
  --chart-trace NAME     the trace to chart (default the first)
  --chart-policy NAME    the policy to chart against the naive one (default follow, else the first)
  --chart-from DUR       chart from this long after the trace's start (default 0)
  --chart-to DUR         chart until this long after the trace's start (default its end)
`;

function duration(flag: string, text: string, min: number, max = Infinity): number | string {
  const seconds = DURATION_PATTERN.test(text) ? parseDurationSeconds(text) : undefined;
  if (seconds === undefined) return `--${flag}: "${text}" is not a duration such as "90s" or "8m"`;
  if (seconds < min || seconds > max) {
    const range = max === Infinity ? `at least ${min}s` : `from ${min}s to ${max}s`;
    return `--${flag}: "${text}" is out of range: want ${range}`;
  }
  return seconds;
}

function price(flag: string, text: string): number | string {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0) {
    return `--${flag}: "${text}" is not a price: want a non-negative number of dollars`;
  }
  return value;
}

function policiesOf(text: string, all: boolean): readonly ReplayPolicy[] | string {
  if (all) return REPLAY_POLICIES;
  const names = text.split(',').map((name) => name.trim());
  const unknown = names.find((name) => !isReplayPolicy(name));
  if (unknown !== undefined) {
    return `--policy: "${unknown}" is not a policy: want rules, ${REPLAY_POLICIES.slice(1).join(', ')} or a fake Messages API policy`;
  }
  return names.filter(isReplayPolicy);
}

function shippedTraces(): string[] {
  try {
    return readdirSync(TRACES_DIR)
      .filter((name) => /\.ya?ml$/.test(name))
      .sort()
      .map((name) => join(TRACES_DIR, name));
  } catch {
    return [];
  }
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h', default: false },
      policy: { type: 'string', default: 'follow' },
      'all-policies': { type: 'boolean', default: false },
      'apply-delay': { type: 'string', default: formatDuration(DEFAULT_APPLY_DELAY_SECONDS) },
      'advisor-timeout': { type: 'string', default: DEFAULT_ADVISOR_TIMEOUT },
      'flap-window': { type: 'string', default: formatDuration(DEFAULT_FLAP_WINDOW_SECONDS) },
      'price-input': { type: 'string', default: String(HAIKU_4_5_PRICES.input) },
      'price-output': { type: 'string', default: String(HAIKU_4_5_PRICES.output) },
      'price-cache-read': { type: 'string', default: String(HAIKU_4_5_PRICES.cacheRead) },
      'price-cache-write': { type: 'string', default: String(HAIKU_4_5_PRICES.cacheWrite) },
      out: { type: 'string', default: DEFAULT_OUT },
      chart: { type: 'string' },
      'chart-trace': { type: 'string' },
      'chart-policy': { type: 'string' },
      'chart-from': { type: 'string', default: '0' },
      'chart-to': { type: 'string' },
    },
  });
}

/** readOptions validates a command line (without node and the script). */
export function readOptions(argv: readonly string[]): OptionsReading {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
    return { ok: false, message: `cannot read the command line: ${message ?? ''}` };
  }
  const { values, positionals } = parsed;
  const checked = {
    policies: policiesOf(values.policy, values['all-policies']),
    applyDelaySeconds: duration('apply-delay', values['apply-delay'], 0),
    advisorTimeout: duration(
      'advisor-timeout',
      values['advisor-timeout'],
      0.001,
      MAX_ADVISOR_TIMEOUT_SECONDS,
    ),
    flapWindowSeconds: duration('flap-window', values['flap-window'], 60),
    chartFrom: duration('chart-from', values['chart-from'], 0),
    chartTo:
      values['chart-to'] === undefined ? Infinity : duration('chart-to', values['chart-to'], 60),
    input: price('price-input', values['price-input']),
    output: price('price-output', values['price-output']),
    cacheRead: price('price-cache-read', values['price-cache-read']),
    cacheWrite: price('price-cache-write', values['price-cache-write']),
  };
  const problem = Object.values(checked).find((value) => typeof value === 'string');
  if (typeof problem === 'string') return { ok: false, message: problem };
  const number = (value: unknown): number => (typeof value === 'number' ? value : 0);
  const traces = positionals.length > 0 ? positionals : shippedTraces();
  if (traces.length === 0 && !values.help) {
    return { ok: false, message: `cannot find a trace: name one, or run from the repository root` };
  }
  const out = values.out;
  return {
    ok: true,
    options: {
      help: values.help,
      traces,
      policies: typeof checked.policies === 'string' ? [] : checked.policies,
      applyDelaySeconds: number(checked.applyDelaySeconds),
      advisorTimeout: values['advisor-timeout'],
      flapWindowSeconds: number(checked.flapWindowSeconds),
      prices: {
        input: number(checked.input),
        output: number(checked.output),
        cacheRead: number(checked.cacheRead),
        cacheWrite: number(checked.cacheWrite),
      },
      out,
      chart: values.chart ?? join(dirname(out), `${basename(out, extname(out))}.svg`),
      ...(values['chart-trace'] !== undefined && { chartTrace: values['chart-trace'] }),
      ...(values['chart-policy'] !== undefined && { chartPolicy: values['chart-policy'] }),
      chartWindow: { fromSeconds: number(checked.chartFrom), toSeconds: number(checked.chartTo) },
    },
  };
}
