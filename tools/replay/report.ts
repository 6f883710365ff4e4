/**
 * The replay's report: every trace and policy side by side with the demo's naive policy, our
 * figures as ratios to its, the targets the README quotes with whether each was met, and the
 * same numbers as a table (Markdown, so the README can quote it) and as JSON.
 */
import type { Policy } from '../../src/scaling/policy.js';
import { DEMO_PROMPT } from './naive.js';
import { NAIVE } from './run.js';
import type { RunResult } from './run.js';
import type { Figures, Prices } from './score.js';

/** Ratio is one of our figures next to the naive policy's, and ours over theirs. */
export interface Ratio {
  readonly ours: number | null;
  readonly naive: number | null;
  /** ours / naive; null when either is null or the naive figure is 0. */
  readonly ratio: number | null;
}

/** Versus is a policy's figures as ratios to the naive policy's on the same trace. */
export interface Versus {
  readonly modelCalls: Ratio;
  readonly tokensPerCall: Ratio;
  readonly costPerDay: Ratio;
  readonly costPerDayUncached: Ratio;
  readonly resizes: Ratio;
  readonly flaps: Ratio;
}

/** PolicyReport is one trace replayed under one policy. */
export interface PolicyReport {
  readonly policy: string;
  readonly figures: Figures;
  readonly httpRequests?: number;
  readonly versusNaive: Versus;
}

/** TraceReport is one trace under every policy, and under the naive one. */
export interface TraceReport {
  readonly name: string;
  readonly analysisIntervalMinutes: number;
  readonly scaleDownWindowMinutes: number;
  readonly naive: Figures;
  readonly policies: readonly PolicyReport[];
}

/** Target is one claim the README makes, measured. */
export interface Target {
  readonly id: string;
  readonly claim: string;
  /** null when the replay did not include what the claim is about. */
  readonly met: boolean | null;
  readonly detail: string;
}

/** Settings are the options a report was made with. */
export interface Settings {
  readonly applyDelaySeconds: number;
  readonly advisorTimeout: string;
  readonly flapWindowSeconds: number;
  readonly prices: Prices;
}

/** Report is everything the replay writes. */
export interface Report {
  readonly date: string;
  readonly settings: Settings;
  readonly naiveEstimate: typeof DEMO_PROMPT;
  readonly traces: readonly TraceReport[];
  /** Every trace together, per policy, naive included. */
  readonly totals: Readonly<Record<string, Totals>>;
  readonly targets: readonly Target[];
}

/** Totals are one policy's figures summed over every trace. */
export interface Totals {
  readonly modelCalls: number;
  readonly tokens: number;
  readonly tokensPerCall: number | null;
  readonly costPerDay: number;
  readonly costPerDayUncached: number;
  readonly resizes: number;
  readonly flaps: number;
}

function ratio(ours: number | null, naive: number | null): Ratio {
  const value = ours === null || naive === null || naive === 0 ? null : ours / naive;
  return { ours, naive, ratio: value };
}

function versus(ours: Figures, naive: Figures): Versus {
  return {
    modelCalls: ratio(ours.modelCalls, naive.modelCalls),
    tokensPerCall: ratio(ours.tokensPerCall, naive.tokensPerCall),
    costPerDay: ratio(ours.costPerDay, naive.costPerDay),
    costPerDayUncached: ratio(ours.costPerDayUncached, naive.costPerDayUncached),
    resizes: ratio(ours.resizes, naive.resizes),
    flaps: ratio(ours.flaps, naive.flaps),
  };
}

function allTokens(f: Figures): number {
  return f.tokens.input + f.tokens.output + f.tokens.cacheRead + f.tokens.cacheWrite;
}

function totalsOf(figures: readonly Figures[]): Totals {
  const sum = (pick: (f: Figures) => number) => figures.reduce((n, f) => n + pick(f), 0);
  const modelCalls = sum((f) => f.modelCalls);
  const tokens = sum(allTokens);
  return {
    modelCalls,
    tokens,
    tokensPerCall: modelCalls === 0 ? null : tokens / modelCalls,
    costPerDay: sum((f) => f.costPerDay),
    costPerDayUncached: sum((f) => f.costPerDayUncached),
    resizes: sum((f) => f.resizes),
    flaps: sum((f) => f.flaps),
  };
}

/** TraceRuns are one trace's replays: the naive one and one per policy, and its policy. */
export interface TraceRuns {
  readonly policy: Policy;
  readonly naive: RunResult;
  readonly runs: readonly RunResult[];
}

function traceReport({ policy, naive, runs }: TraceRuns): TraceReport {
  return {
    name: naive.trace,
    analysisIntervalMinutes: policy.analysisIntervalSeconds / 60,
    scaleDownWindowMinutes: policy.scaleDownWindowSeconds / 60,
    naive: naive.figures,
    policies: runs.map((run) => ({
      policy: run.policy,
      figures: run.figures,
      ...(run.httpRequests !== undefined && { httpRequests: run.httpRequests }),
      versusNaive: versus(run.figures, naive.figures),
    })),
  };
}

/** buildReport assembles the report of an invocation. */
export function buildReport(traces: readonly TraceRuns[], settings: Settings, date: Date): Report {
  const reports = traces.map(traceReport);
  const names = [...new Set(reports.flatMap((t) => t.policies.map((p) => p.policy)))];
  const totals: Record<string, Totals> = {
    [NAIVE]: totalsOf(reports.map((t) => t.naive)),
  };
  for (const name of names) {
    const figures = reports.flatMap((t) => t.policies.filter((p) => p.policy === name));
    totals[name] = totalsOf(figures.map((p) => p.figures));
  }
  return {
    date: date.toISOString(),
    settings,
    naiveEstimate: DEMO_PROMPT,
    traces: reports,
    totals,
    targets: evaluateTargets(reports, totals),
  };
}

interface Row {
  readonly trace: TraceReport;
  readonly policy: PolicyReport;
}

function rows(traces: readonly TraceReport[], policy?: string): Row[] {
  return traces.flatMap((trace) =>
    trace.policies
      .filter((p) => policy === undefined || p.policy === policy)
      .map((p) => ({ trace, policy: p })),
  );
}

function target(id: string, claim: string, failures: string[] | null, measured: string): Target {
  if (failures === null) return { id, claim, met: null, detail: 'not measured: ' + measured };
  return {
    id,
    claim,
    met: failures.length === 0,
    detail: failures.length === 0 ? measured : failures.join('; '),
  };
}

function measuredOrNull(list: readonly Row[], check: (row: Row) => string | undefined) {
  if (list.length === 0) return null;
  return list.flatMap((row) => {
    const failure = check(row);
    return failure === undefined ? [] : [`${row.trace.name}/${row.policy.policy}: ${failure}`];
  });
}

function timesFewer(naive: number, ours: number): number {
  return ours === 0 ? Infinity : naive / ours;
}

/** evaluateTargets measures each claim on the replays that bear on it. */
export function evaluateTargets(
  traces: readonly TraceReport[],
  totals: Readonly<Record<string, Totals>>,
): Target[] {
  const all = rows(traces);
  const follow = rows(traces, 'follow');
  const quiet = all.filter((r) => r.trace.name === 'quiet-day');
  const spike = all.filter((r) => r.trace.name === 'spike');
  const followTotal = totals['follow'];
  const naiveTotal = totals[NAIVE];
  return [
    target(
      'calls-per-interval',
      'At most one model call per database per analysis interval',
      measuredOrNull(all, ({ policy: p }) =>
        p.figures.maxModelCallsPerInterval > 1
          ? `${p.figures.maxModelCallsPerInterval} calls in one interval`
          : undefined,
      ),
      'every trace and policy',
    ),
    target(
      'quiet-day-settled',
      'On the quiet day, no model call once the database has settled',
      measuredOrNull(quiet, ({ policy: p }) =>
        p.figures.modelCallsAfterLastResize > 0
          ? `${p.figures.modelCallsAfterLastResize} calls after the last resize`
          : undefined,
      ),
      'quiet-day, every policy',
    ),
    target(
      'follow-calls-100x',
      'With the model that follows the rules, at least 100x fewer calls than the naive policy',
      measuredOrNull(follow, ({ trace, policy: p }) => {
        const fewer = timesFewer(trace.naive.modelCalls, p.figures.modelCalls);
        return fewer < 100 ? `${fewer.toFixed(0)}x fewer` : undefined;
      }),
      followTotal === undefined || naiveTotal === undefined
        ? 'follow'
        : `every trace; all traces together ${followTotal.modelCalls} vs ${naiveTotal.modelCalls} calls`,
    ),
    target(
      'follow-tokens-3x',
      'With the model that follows the rules, at least 3x fewer tokens per call',
      measuredOrNull(follow, ({ trace, policy: p }) => {
        if (p.figures.tokensPerCall === null || trace.naive.tokensPerCall === null)
          return undefined;
        const fewer = trace.naive.tokensPerCall / p.figures.tokensPerCall;
        return fewer < 3
          ? `${fewer.toFixed(2)}x fewer (${p.figures.tokensPerCall.toFixed(0)} vs ${trace.naive.tokensPerCall.toFixed(0)})`
          : undefined;
      }),
      'every trace with a model call',
    ),
    target(
      'veto-not-every-interval',
      'A model that keeps vetoing is not asked again every interval',
      measuredOrNull(
        all.filter((r) => r.policy.policy === 'veto'),
        ({ policy: p }) => {
          // Its answer stands for at least two intervals, so at most every other analysis that
          // puts a resize to it may ask again.
          const questions = p.figures.modelCalls + p.figures.answeredFromMemory;
          return questions > 2 && p.figures.modelCalls * 2 > questions
            ? `asked at ${p.figures.modelCalls} of the ${questions} analyses that put a resize to it (limit half)`
            : undefined;
        },
      ),
      'veto, every trace',
    ),
    target(
      'zero-flaps',
      'Zero flaps on every trace with every model policy',
      measuredOrNull(all, ({ policy: p }) =>
        p.figures.flaps > 0
          ? `${p.figures.flaps} flap(s): ${p.figures.flapList
              .map((f) => `${f.first.from}->${f.first.to} at ${f.first.at}, back at ${f.second.at}`)
              .join(', ')}`
          : undefined,
      ),
      'every trace and policy',
    ),
    target(
      'follow-no-refusals',
      'No resize refused by a guardrail with the rules-following model',
      measuredOrNull(follow, ({ policy: p }) =>
        p.figures.refused > 0 ? `${p.figures.refused} refused` : undefined,
      ),
      'follow, every trace',
    ),
    target(
      'spike-reaction',
      'The spike is resized within two analysis intervals of the crossing',
      measuredOrNull(
        spike.filter((r) => r.policy.policy !== 'veto'),
        ({ trace, policy: p }) => {
          const first = p.figures.reaction.firstMinutes;
          const limit = 2 * trace.analysisIntervalMinutes;
          if (first === null) return 'never resized';
          return first > limit ? `${first} minutes (limit ${limit})` : undefined;
        },
      ),
      'spike, every policy but veto (a vetoing model declines the resize by design)',
    ),
    target(
      'spike-no-early-scale-down',
      'The spike is not scaled back down before it has been over for the sustained period',
      measuredOrNull(spike, ({ trace, policy: p }) => {
        const after = p.figures.scaleDownAfterOverloadMinutes;
        return after !== null && after < trace.scaleDownWindowMinutes
          ? `scaled down ${after} minutes after it ended (window ${trace.scaleDownWindowMinutes})`
          : undefined;
      }),
      'spike, every policy',
    ),
  ];
}

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

function count(value: number | null): string {
  return value === null ? '–' : integer.format(value);
}

function dollars(value: number): string {
  if (value === 0) return '$0';
  return value >= 1 ? `$${value.toFixed(2)}` : `$${value.toFixed(4)}`;
}

function fewer(r: Ratio): string {
  if (r.ours === null || r.naive === null) return '–';
  const shown = `${count(r.ours)} vs ${count(r.naive)}`;
  if (r.ours === 0) return r.naive === 0 ? shown : `${shown} (none)`;
  return `${shown} (${(r.naive / r.ours).toFixed(r.naive / r.ours >= 10 ? 0 : 1)}x fewer)`;
}

function cost(r: Ratio): string {
  if (r.ours === null || r.naive === null) return '–';
  const shown = `${dollars(r.ours)} vs ${dollars(r.naive)}`;
  if (r.ours === 0) return `${shown} (none)`;
  return `${shown} (${integer.format(r.naive / r.ours)}x less)`;
}

function plain(r: Ratio): string {
  return `${count(r.ours)} vs ${count(r.naive)}`;
}

function figureCells(f: Figures): string[] {
  const reaction = f.reaction;
  return [
    count(f.modelCalls),
    count(f.maxModelCallsPerInterval),
    count(f.modelCallsAfterLastResize),
    count(f.answeredFromMemory),
    count(f.tokens.input),
    count(f.tokens.output),
    count(f.tokens.cacheRead),
    count(f.tokens.cacheWrite),
    count(f.tokensPerCall),
    dollars(f.costPerDay),
    dollars(f.costPerDayUncached),
    count(f.resizes),
    count(f.flaps),
    `${count(reaction.firstMinutes)} / ${count(reaction.maxMinutes)}`,
    count(f.minutesAboveScaleUp),
    count(f.scaleDownAfterOverloadMinutes),
    count(f.refused),
    count(f.fallbacks),
  ];
}

function table(header: readonly string[], body: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...body.map(line)].join('\n');
}

const FIGURE_HEADER = [
  'trace',
  'policy',
  'model calls',
  'max per interval',
  'after last resize',
  'from memory',
  'input',
  'output',
  'cache read',
  'cache write',
  'tokens / call',
  '$ / day',
  '$ / day uncached',
  'resizes',
  'flaps',
  'reaction first / max (min)',
  'min above scale-up',
  'scale-down after overload (min)',
  'refused',
  'fallbacks',
];

/** formatReport writes the report as Markdown tables and a list of targets. */
export function formatReport(report: Report): string {
  const figureRows = report.traces.flatMap((t) => [
    ...t.policies.map((p) => [t.name, p.policy, ...figureCells(p.figures)]),
    [t.name, NAIVE, ...figureCells(t.naive)],
  ]);
  const versusRows = report.traces.flatMap((t) =>
    t.policies.map((p) => [
      t.name,
      p.policy,
      fewer(p.versusNaive.modelCalls),
      fewer(p.versusNaive.tokensPerCall),
      cost(p.versusNaive.costPerDay),
      cost(p.versusNaive.costPerDayUncached),
      plain(p.versusNaive.resizes),
      plain(p.versusNaive.flaps),
    ]),
  );
  const naive = report.totals[NAIVE];
  const totalRows = Object.entries(report.totals).map(([policy, t]) => [
    policy,
    count(t.modelCalls),
    count(t.tokens),
    count(t.tokensPerCall),
    dollars(t.costPerDay),
    dollars(t.costPerDayUncached),
    count(t.resizes),
    count(t.flaps),
    naive === undefined || policy === NAIVE ? '' : fewer(ratio(t.modelCalls, naive.modelCalls)),
  ]);
  const targets = report.targets.map((t) => {
    const mark = t.met === null ? 'NOT MEASURED' : t.met ? 'met' : 'MISSED';
    return `- ${mark}: ${t.claim} (${t.detail})`;
  });
  return [
    table(FIGURE_HEADER, figureRows),
    '',
    table(
      [
        'trace',
        'policy',
        'model calls',
        'tokens / call',
        '$ / day',
        '$ / day uncached',
        'resizes',
        'flaps',
      ],
      versusRows,
    ),
    '',
    table(
      [
        'all traces',
        'model calls',
        'tokens',
        'tokens / call',
        '$ / day',
        '$ / day uncached',
        'resizes',
        'flaps',
        'calls vs naive',
      ],
      totalRows,
    ),
    '',
    ...targets,
    '',
  ].join('\n');
}
