/**
 * Where our latency goes, layer by layer: at concurrency 16, the rules scenario's request sent
 * to five servers in turn, each repetition alternating them, medians of the repetitions.
 *
 * - `echo`: the baseline, answering with the request's desired state (echo-function.ts);
 * - `fixed answer`: our server's answer to this request, captured once and sent for every call
 *   (fixed-answer-function.ts): what a response of our size costs on this stack, no deciding;
 * - `fixed answer, logged`: the same, logging on every call the info line our server logs for a
 *   resize, as the rules scenario's every call is one;
 * - `ours, no metrics`: our server with `--metrics-address ""`;
 * - `ours`: our server as the bench runs it, serving /metrics.
 *
 * What separates `fixed answer, logged` from `ours, no metrics` is deciding; the last step is what
 * the metrics cost. Prints a table and writes bench/results/layers.json.
 *
 *   npm run bench:layers -- [--repetitions 3] [--requests 20000]
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { RunFunctionRequest, RunFunctionResponse } from '@crossplane-org/function-sdk-typescript';

import { callOnce } from './client.js';
import { repoRoot } from './request.js';
import { median } from './report.js';
import { runLoadOn } from './run-load.js';
import type { MeasuredLoad } from './run-load.js';
import { rulesScenario } from './scenario-rules.js';
import { startBenchServer } from './server.js';
import type { BenchServer, ServerCommand } from './server.js';

const CONCURRENCY = 16;
const WARMUP_REQUESTS = 3_000;
const INSECURE = ['--insecure', '--address', '127.0.0.1:0'];

interface Layer {
  readonly name: string;
  readonly command: ServerCommand;
}

/** LayerResult is one server's medians over the repetitions. */
interface LayerResult {
  readonly name: string;
  readonly p50Ms: number;
  readonly requestsPerSecond: number;
  readonly cpuMsPerRequest: number;
  /** Median p50 over the echo's median p50. */
  readonly p50Ratio: number;
}

function readOptions(): { repetitions: number; requests: number } {
  const { values } = parseArgs({
    options: {
      repetitions: { type: 'string', default: '3' },
      requests: { type: 'string', default: '20000' },
    },
  });
  const repetitions = Number(values.repetitions);
  const requests = Number(values.requests);
  if (![repetitions, requests].every((n) => Number.isInteger(n) && n >= 1)) {
    throw new Error('cannot read --repetitions and --requests: want whole numbers from 1');
  }
  return { repetitions, requests };
}

async function main(): Promise<void> {
  const { repetitions, requests } = readOptions();
  const root = repoRoot();
  const built = (name: string) => join(root, 'build', 'tools', 'bench', name);
  const ourScript = join(root, 'dist', 'main.js');
  const load = built('load.js');
  const tmp = await mkdtemp(join(tmpdir(), 'bench-layers-'));
  const prepared = await rulesScenario.prepare(root);
  const servers: BenchServer[] = [];
  try {
    const requestFile = join(tmp, 'request.bin');
    const request = prepared.request(new Date());
    await writeFile(requestFile, RunFunctionRequest.encode(request).finish());
    // Our answer to the request, captured from the server measured below.
    const ours = await startBenchServer({
      script: ourScript,
      args: [...INSECURE, '--metrics-address', '127.0.0.1:0'],
      servesMetrics: true,
    });
    servers.push(ours);
    const answer = await callOnce(ours.address, request);
    const problem = prepared.check(answer);
    if (problem !== undefined) throw new Error(`our server took the wrong path: ${problem}`);
    const answerFile = join(tmp, 'answer.bin');
    await writeFile(answerFile, RunFunctionResponse.encode(answer).finish());
    const layers: Layer[] = [
      { name: 'echo', command: { script: built('echo-function.js'), args: INSECURE } },
      {
        name: 'fixed answer',
        command: { script: built('fixed-answer-function.js'), args: [...INSECURE, answerFile] },
      },
      {
        name: 'fixed answer, logged',
        command: {
          script: built('fixed-answer-function.js'),
          args: [...INSECURE, answerFile],
          env: { FIXED_ANSWER_LOG: '1' },
        },
      },
      {
        name: 'ours, no metrics',
        command: { script: ourScript, args: [...INSECURE, '--metrics-address', ''] },
      },
    ];
    const started = [];
    for (const layer of layers) {
      const server = await startBenchServer(layer.command);
      servers.push(server);
      started.push({ name: layer.name, server });
    }
    started.push({ name: 'ours', server: ours });
    const runs = new Map(started.map(({ name }) => [name, [] as MeasuredLoad[]]));
    for (const { server } of started) await drive(load, server, requestFile, WARMUP_REQUESTS, 0);
    for (let rep = 1; rep <= repetitions; rep++) {
      process.stderr.write(`layers: repetition ${rep} of ${repetitions}\n`);
      for (const { name, server } of started) {
        runs.get(name)?.push(await drive(load, server, requestFile, requests, 1_000));
      }
    }
    const echoP50 = median((runs.get('echo') ?? []).map((r) => r.p50Ms));
    const results: LayerResult[] = started.map(({ name }) => {
      const rs = runs.get(name) ?? [];
      const p50Ms = median(rs.map((r) => r.p50Ms));
      return {
        name,
        p50Ms,
        requestsPerSecond: median(rs.map((r) => r.requestsPerSecond)),
        cpuMsPerRequest: median(rs.map((r) => r.cpuMsPerRequest)),
        p50Ratio: p50Ms / echoP50,
      };
    });
    process.stdout.write(formatLayers(results, requests, repetitions));
    const dir = join(root, 'bench', 'results');
    await mkdir(dir, { recursive: true });
    const report = {
      date: new Date().toISOString(),
      concurrency: CONCURRENCY,
      requests,
      repetitions,
      results,
    };
    await writeFile(join(dir, 'layers.json'), `${JSON.stringify(report, null, 2)}\n`);
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await prepared.cleanup();
    await rm(tmp, { recursive: true, force: true });
  }
}

/** drive runs one load against a server at concurrency 16, failing if any call failed. */
async function drive(
  load: string,
  server: BenchServer,
  requestFile: string,
  requests: number,
  warmupRequests: number,
): Promise<MeasuredLoad> {
  const result = await runLoadOn(load, server, {
    requestFiles: [requestFile],
    concurrency: CONCURRENCY,
    requests,
    warmupRequests,
  });
  if (result.errors > 0)
    throw new Error(`${result.errors} calls failed: ${result.firstError ?? ''}`);
  return result;
}

function formatLayers(results: readonly LayerResult[], requests: number, reps: number): string {
  const head = `layers at concurrency ${CONCURRENCY}: ${requests} calls per run, medians of ${reps}\n`;
  const rows = results.map((r, i) => {
    const previous = results[i - 1];
    const step = previous === undefined ? '' : `+${(r.p50Ms - previous.p50Ms).toFixed(3)}`;
    return [
      r.name.padEnd(21),
      r.requestsPerSecond.toFixed(0).padStart(6),
      r.p50Ms.toFixed(3).padStart(7),
      step.padStart(7),
      `${r.p50Ratio.toFixed(2)}x`.padStart(7),
      r.cpuMsPerRequest.toFixed(3).padStart(11),
    ].join('  ');
  });
  const header = ['server'.padEnd(21), ' req/s', ' p50 ms', '   step', ' /echo', 'CPU ms/req'].join(
    '  ',
  );
  return `${head}${header}\n${rows.join('\n')}\n`;
}

try {
  await main();
} catch (err) {
  process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
