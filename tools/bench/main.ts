/**
 * The load benchmark: our built server and the echo baseline, each its own process, driven by a
 * separate load-generator process at each concurrency level, repeated and reduced to medians;
 * then a memory check on a fresh server of ours. Prints a table and writes the same numbers to
 * bench/results/<scenario>.json, for each scenario in turn. Then the model path
 * (model-path.ts), written to bench/results/model.json. See tools/bench/README.md.
 *
 *   npm run bench -- [--scenario rules|steady|model] [--repetitions 3] [--quick] [--cpu-prof]
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';

import { RunFunctionRequest } from '@crossplane-org/function-sdk-typescript';
import { format, resolveConfig } from 'prettier';
import { z } from 'zod';

import { callOnce } from './client.js';
import { formatModelPath, runModelPath } from './model-path.js';
import { grew, formatReport, levelReport, targets } from './report.js';
import type { BenchReport, LevelReport, MemoryReport, RunRecord } from './report.js';
import { repoRoot } from './request.js';
import { runLoadOn } from './run-load.js';
import { DEFAULT_LEVELS } from './scenario.js';
import type { Level, PreparedScenario, Scenario } from './scenario.js';
import { SCENARIOS } from './scenarios.js';
import { startBenchServer } from './server.js';
import type { BenchServer, ServerCommand } from './server.js';

const KIB_PER_MIB = 1024;
const WARMUP = { concurrency: 16, requests: 3_000 };
// RSS settles over the first 200,000 or so calls: read after full collections, rounds of 50,000
// went 133, 140-142, 145, 142-146, 143-144 MiB in two runs. RSS is compared after that, so
// growth means something kept per call, not the heap finding its size. Each reading follows a
// full collection (collect-on-signal.ts), so garbage not yet collected is not counted as growth;
// the V8 heap still in use after it is reported too, the steadier sign of anything kept per call.
const MEMORY = {
  concurrency: 16,
  warmupRequests: 200_000,
  requests: 50_000,
  drainMs: 1_000,
  settleMs: 2_000,
};
// --quick divides every request count by this, for a smoke run of the bench itself.
const QUICK_DIVISOR = 10;

/** MODEL_PATH names the model-path scenario, which has no baseline and runs on its own. */
const MODEL_PATH = 'model';

interface Options {
  /** The comparisons to run, in turn; none runs only the model path. */
  readonly scenarios: readonly Scenario[];
  readonly modelPath: boolean;
  readonly repetitions: number;
  readonly quick: boolean;
  readonly cpuProf: boolean;
}

/** Paths are the built files the bench runs. */
interface Paths {
  readonly root: string;
  readonly main: string;
  readonly echo: string;
  readonly load: string;
  readonly collectOnSignal: string;
  readonly results: string;
  readonly profiles: string;
}

function readOptions(): Options {
  const { values } = parseArgs({
    options: {
      scenario: { type: 'string' },
      repetitions: { type: 'string', default: '3' },
      quick: { type: 'boolean', default: false },
      'cpu-prof': { type: 'boolean', default: false },
    },
  });
  // No --scenario runs every comparison, then the model path.
  const wanted = values.scenario;
  const scenario = SCENARIOS.find((s) => s.name === wanted);
  if (wanted !== undefined && wanted !== MODEL_PATH && scenario === undefined) {
    const known = [...SCENARIOS.map((s) => s.name), MODEL_PATH].map((n) => `"${n}"`).join(', ');
    throw new Error(`cannot run scenario "${wanted}": the scenarios are ${known}`);
  }
  const repetitions = Number(values.repetitions);
  if (!Number.isInteger(repetitions) || repetitions < 1) {
    throw new Error(`cannot repeat "${values.repetitions}" times: want a whole number from 1`);
  }
  return {
    scenarios: wanted === undefined ? SCENARIOS : scenario === undefined ? [] : [scenario],
    modelPath: wanted === undefined || wanted === MODEL_PATH,
    repetitions,
    quick: values.quick,
    cpuProf: values['cpu-prof'],
  };
}

function paths(): Paths {
  const root = repoRoot();
  const found = {
    root,
    main: join(root, 'dist', 'main.js'),
    echo: join(root, 'build', 'tools', 'bench', 'echo-function.js'),
    load: join(root, 'build', 'tools', 'bench', 'load.js'),
    collectOnSignal: join(root, 'build', 'tools', 'bench', 'collect-on-signal.js'),
    results: join(root, 'bench', 'results'),
    profiles: join(root, 'bench', 'results', 'profiles'),
  };
  for (const file of [found.main, found.echo, found.load, found.collectOnSignal]) {
    if (!existsSync(file))
      throw new Error(`cannot find "${file}": run npm run bench, which builds`);
  }
  return found;
}

/** Bench is one run of the bench: where things are, what to send, where requests go. */
interface Bench {
  readonly options: Options;
  readonly paths: Paths;
  readonly prepared: PreparedScenario;
  readonly tmp: string;
}

function ourServer(bench: Bench): ServerCommand {
  const { prepared, paths: p, options } = bench;
  return {
    ...(options.cpuProf && { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${p.profiles}`] }),
    script: p.main,
    // Metrics served, as by default in production, so their cost is in the figures.
    args: [
      '--insecure',
      '--address',
      '127.0.0.1:0',
      '--metrics-address',
      '127.0.0.1:0',
      ...prepared.serverArgs,
    ],
    env: prepared.serverEnv,
  };
}

function baselineServer(bench: Bench): ServerCommand {
  return { script: bench.paths.echo, args: ['--insecure', '--address', '127.0.0.1:0'] };
}

/** requestFile writes the scenario's request, fresh as of now, and returns its path. */
async function requestFile(bench: Bench): Promise<string> {
  const file = join(bench.tmp, 'request.bin');
  await writeFile(file, RunFunctionRequest.encode(bench.prepared.request(new Date())).finish());
  return file;
}

/** checkAnswers makes sure both servers answer as expected before anything is measured. */
async function checkAnswers(bench: Bench, ours: BenchServer, baseline: BenchServer) {
  const req = bench.prepared.request(new Date());
  const problem = bench.prepared.check(await callOnce(ours.address, req));
  if (problem !== undefined) throw new Error(`our server took the wrong path: ${problem}`);
  const echoed = await callOnce(baseline.address, req);
  if (echoed.results.length > 0) throw new Error('the baseline answered with results');
}

/** measure runs one level against one server and records its peak RSS. */
async function measure(bench: Bench, server: BenchServer, level: Level): Promise<RunRecord> {
  const warmupRequests = Math.min(1_000, Math.ceil(level.requests / 10));
  const stopWatching = server.watchRss();
  const result = await runLoadOn(bench.paths.load, server, {
    requestFiles: [await requestFile(bench)],
    concurrency: level.concurrency,
    requests: level.requests,
    warmupRequests,
  });
  return { ...result, peakRssMiB: stopWatching() / KIB_PER_MIB };
}

function scaled(bench: Bench, requests: number): number {
  return bench.options.quick ? Math.ceil(requests / QUICK_DIVISOR) : requests;
}

/** compare measures every level against both servers, alternating them in each repetition. */
async function compare(bench: Bench): Promise<LevelReport[]> {
  const levels = (bench.prepared.levels ?? DEFAULT_LEVELS).map((l) => ({
    ...l,
    requests: scaled(bench, l.requests),
  }));
  const ours = await startBenchServer(ourServer(bench));
  const baseline = await startBenchServer(baselineServer(bench));
  try {
    await checkAnswers(bench, ours, baseline);
    const warmup = { ...WARMUP, requests: scaled(bench, WARMUP.requests) };
    for (const server of [ours, baseline]) await measure(bench, server, warmup);
    const runs = levels.map(() => ({ ours: [] as RunRecord[], baseline: [] as RunRecord[] }));
    for (let rep = 1; rep <= bench.options.repetitions; rep++) {
      for (const [i, level] of levels.entries()) {
        progress(`repetition ${rep}, concurrency ${level.concurrency}`);
        runs[i]?.ours.push(await measure(bench, ours, level));
        runs[i]?.baseline.push(await measure(bench, baseline, level));
      }
    }
    return levels.map((l, i) =>
      levelReport(l.concurrency, l.requests, runs[i]?.ours ?? [], runs[i]?.baseline ?? []),
    );
  } finally {
    await Promise.all([ours.stop(), baseline.stop()]);
  }
}

/**
 * checkMemory runs a long load against a fresh server of ours, reading RSS before and after,
 * each time after a full garbage collection.
 */
async function checkMemory(bench: Bench): Promise<MemoryReport> {
  const ours = ourServer(bench);
  const memoryFile = join(bench.tmp, 'memory.jsonl');
  const server = await startBenchServer({
    ...ours,
    nodeArgs: [
      ...(ours.nodeArgs ?? []),
      '--expose-gc',
      '--import',
      pathToFileURL(bench.paths.collectOnSignal).href,
    ],
    env: { ...ours.env, BENCH_MEMORY_FILE: memoryFile },
  });
  try {
    const concurrency = MEMORY.concurrency;
    const warmupRequests = scaled(bench, MEMORY.warmupRequests);
    const requests = scaled(bench, MEMORY.requests);
    progress(`memory: ${warmupRequests} requests to warm up, then ${requests}`);
    await measure(bench, server, { concurrency, requests: warmupRequests });
    const before = await collected(server, memoryFile);
    const run = await measure(bench, server, { concurrency, requests });
    const after = await collected(server, memoryFile);
    // A second round tells a heap that settled at a larger size from one that keeps growing.
    progress(`memory: ${requests} more requests`);
    const again = await measure(bench, server, { concurrency, requests });
    const afterSecondRound = await collected(server, memoryFile);
    return {
      concurrency,
      warmupRequests,
      requests,
      pauseMs: MEMORY.drainMs + MEMORY.settleMs,
      rssBeforeMiB: before.rssMiB,
      rssAfterMiB: after.rssMiB,
      rssAfterSecondRoundMiB: afterSecondRound.rssMiB,
      heapUsedMiB: [before.heapUsedMiB, after.heapUsedMiB, afterSecondRound.heapUsedMiB],
      peakRssMiB: Math.max(run.peakRssMiB, again.peakRssMiB),
      grewMiB: after.rssMiB - before.rssMiB,
      grew: grew(before.rssMiB, after.rssMiB),
      errors: run.errors + again.errors,
    };
  } finally {
    await server.stop();
  }
}

/** Collected is what the server reported of its memory after a full collection. */
interface Collected {
  readonly rssMiB: number;
  readonly heapUsedMiB: number;
}

/**
 * collected lets the last calls finish, has the server collect its garbage, and reads the
 * memory use it then appends to memoryFile (collect-on-signal.ts).
 */
async function collected(server: BenchServer, memoryFile: string): Promise<Collected> {
  await sleep(MEMORY.drainMs);
  const linesBefore = await readLines(memoryFile);
  process.kill(server.pid, 'SIGUSR2');
  await sleep(MEMORY.settleMs);
  const lines = await readLines(memoryFile);
  const line = lines.length > linesBefore.length ? lines.at(-1) : undefined;
  if (line === undefined) throw new Error('our server reported no memory use after SIGUSR2');
  const parsed = memoryLine.parse(JSON.parse(line));
  return { rssMiB: parsed.rss / BYTES_PER_MIB, heapUsedMiB: parsed.heapUsed / BYTES_PER_MIB };
}

const memoryLine = z.object({ rss: z.number(), heapUsed: z.number() });
const BYTES_PER_MIB = 1024 * 1024;

async function readLines(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.split('\n').filter((l) => l !== '');
}

function progress(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

async function writeResults(p: Paths, name: string, report: object): Promise<string> {
  await mkdir(p.results, { recursive: true });
  const file = join(p.results, name);
  // Formatted as the repository's Prettier config says, so `prettier --check .` stays clean.
  const config = (await resolveConfig(file)) ?? {};
  await writeFile(file, await format(JSON.stringify(report), { ...config, parser: 'json' }));
  return file;
}

/** runComparison measures one scenario against the baseline, then our memory. */
async function runComparison(options: Options, scenario: Scenario, p: Paths): Promise<void> {
  const tmp = await mkdtemp(join(tmpdir(), 'bench-'));
  const prepared = await scenario.prepare(p.root);
  try {
    const bench: Bench = { options, paths: p, prepared, tmp };
    const levels = await compare(bench);
    const memory = await checkMemory(bench);
    const report: BenchReport = {
      scenario: scenario.name,
      summary: scenario.summary,
      date: new Date().toISOString(),
      machine: machine(),
      repetitions: options.repetitions,
      levels,
      memory,
      targets: targets(levels, memory),
    };
    process.stdout.write(formatReport(report));
    progress(`wrote ${await writeResults(p, `${scenario.name}.json`, report)}`);
    if (options.cpuProf) progress(`CPU profiles of our server are in ${p.profiles}`);
  } finally {
    await prepared.cleanup();
    await rm(tmp, { recursive: true, force: true });
  }
}

/** runModelPathScenario measures the model path against a fake Messages API. */
async function runModelPathScenario(options: Options, p: Paths): Promise<void> {
  const tmp = await mkdtemp(join(tmpdir(), 'bench-model-'));
  try {
    const report = await runModelPath({ ...p, tmp }, options, progress);
    process.stdout.write(formatModelPath(report));
    progress(`wrote ${await writeResults(p, 'model.json', { ...report, machine: machine() })}`);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

function machine(): BenchReport['machine'] {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    platform: `${process.platform}/${process.arch}`,
  };
}

async function main(): Promise<void> {
  const options = readOptions();
  const p = paths();
  if (options.cpuProf) await mkdir(p.profiles, { recursive: true });
  for (const [i, scenario] of options.scenarios.entries()) {
    if (i > 0) process.stdout.write('\n');
    await runComparison(options, scenario, p);
  }
  if (options.modelPath) {
    if (options.scenarios.length > 0) process.stdout.write('\n');
    await runModelPathScenario(options, p);
  }
}

try {
  await main();
} catch (err) {
  process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
