/**
 * A day in the life: replays metric traces through the function, as a CronOperation that runs
 * every minute would, and through the public demo's naive policy, then prints a table, writes the
 * same numbers as JSON and charts one trace. See tools/replay/README.md.
 *
 *   npm run replay -- [trace.yaml ...] [--policy follow | --all-policies] [--out FILE]
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

import { format, resolveConfig } from 'prettier';

import { renderChart } from './chart.js';
import { readOptions, USAGE } from './options.js';
import type { Options } from './options.js';
import { traceInput } from './prompt-input.js';
import { buildReport, formatReport } from './report.js';
import type { TraceRuns } from './report.js';
import { runNaive, runPolicy } from './run.js';
import type { RunOptions } from './run.js';
import { loadTrace } from './trace.js';
import type { Trace } from './trace.js';

function progress(message: string): void {
  process.stderr.write(`replay: ${message}\n`);
}

async function loadTraces(paths: readonly string[]): Promise<Trace[] | string> {
  const traces: Trace[] = [];
  for (const path of paths) {
    const reading = await loadTrace(path);
    if (!reading.ok) return reading.message;
    traces.push(reading.trace);
  }
  return traces;
}

async function replayTrace(trace: Trace, options: Options, run: RunOptions): Promise<TraceRuns> {
  const input = traceInput(trace, options.advisorTimeout);
  if (!input.ok) throw new Error(`cannot replay trace "${trace.name}": ${input.message}`);
  progress(`${trace.name}: naive`);
  const naive = await runNaive(trace, run);
  const runs = [];
  for (const policy of options.policies) {
    progress(`${trace.name}: ${policy}`);
    runs.push(await runPolicy(trace, policy, run));
  }
  return { policy: input.input.policy, naive, runs };
}

async function writeJson(file: string, value: unknown): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  // Formatted as the repository's Prettier config says, so `prettier --check .` stays clean.
  const config = (await resolveConfig(file)) ?? {};
  await writeFile(file, await format(JSON.stringify(value), { ...config, parser: 'json' }));
}

async function writeChart(
  options: Options,
  traces: readonly Trace[],
  results: readonly TraceRuns[],
): Promise<string | undefined> {
  const index =
    options.chartTrace === undefined ? 0 : traces.findIndex((t) => t.name === options.chartTrace);
  const trace = traces[index];
  const runs = results[index];
  if (trace === undefined || runs === undefined) {
    throw new Error(`cannot chart trace "${options.chartTrace ?? ''}": it was not replayed`);
  }
  const wanted =
    options.chartPolicy ?? (options.policies.includes('follow') ? 'follow' : undefined);
  const ours = runs.runs.find((r) => r.policy === wanted) ?? runs.runs[0];
  if (ours === undefined) return undefined;
  await mkdir(dirname(options.chart), { recursive: true });
  const { fromSeconds, toSeconds } = options.chartWindow;
  const from = Math.floor(fromSeconds / trace.stepSeconds);
  const to = toSeconds === Infinity ? undefined : Math.ceil(toSeconds / trace.stepSeconds) + 1;
  const shown = ours.minutes.slice(from, to);
  if (shown.length === 0) throw new Error('cannot chart: the chart window holds no run');
  const svg = renderChart({
    trace: trace.name,
    engine: trace.engine,
    policy: runs.policy,
    ours: { label: `function, ${ours.policy}`, minutes: shown },
    naive: { label: 'demo, naive', minutes: runs.naive.minutes.slice(from, to) },
  });
  await writeFile(options.chart, svg);
  return options.chart;
}

async function main(): Promise<number> {
  const reading = readOptions(process.argv.slice(2));
  if (!reading.ok) {
    process.stderr.write(`${reading.message}\n`);
    return 2;
  }
  const { options } = reading;
  if (options.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const traces = await loadTraces(options.traces);
  if (typeof traces === 'string') {
    process.stderr.write(`${traces}\n`);
    return 2;
  }
  const run: RunOptions = {
    applyDelaySeconds: options.applyDelaySeconds,
    advisorTimeout: options.advisorTimeout,
    prices: options.prices,
    flapWindowSeconds: options.flapWindowSeconds,
  };
  const results: TraceRuns[] = [];
  for (const trace of traces) results.push(await replayTrace(trace, options, run));
  const report = buildReport(
    results,
    {
      applyDelaySeconds: options.applyDelaySeconds,
      advisorTimeout: options.advisorTimeout,
      flapWindowSeconds: options.flapWindowSeconds,
      prices: options.prices,
    },
    new Date(),
  );
  process.stdout.write(formatReport(report));
  await writeJson(options.out, report);
  progress(`wrote ${options.out}`);
  const chart = await writeChart(options, traces, results);
  if (chart !== undefined) progress(`wrote ${chart}`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`replay: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
