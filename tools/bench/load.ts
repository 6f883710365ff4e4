/**
 * The load generator: a process of its own, so its work never competes with the server's event
 * loop. It sends an encoded request over and over on one channel (as Crossplane keeps one
 * connection per function), with a fixed number of calls in flight, and prints a LoadResult.
 * Given several requests, it sends them in turn.
 * Responses are not decoded: the bench checks one answer itself before measuring.
 *
 *   node build/tools/bench/load.js '{"address":"127.0.0.1:40123","requestFiles":["/tmp/req.bin"],
 *     "concurrency":16,"requests":20000,"warmupRequests":2000}'
 */
import { readFileSync } from 'node:fs';

import * as grpc from '@grpc/grpc-js';
import { FunctionRunnerServiceService } from '@crossplane-org/function-sdk-typescript';

import { loadOptions } from './load-protocol.js';
import type { LoadResult } from './load-protocol.js';

const METHOD = FunctionRunnerServiceService.runFunction.path;
const asIs = (bytes: Buffer): Buffer => bytes;

const parsed = loadOptions.safeParse(JSON.parse(process.argv[2] ?? 'null'));
if (!parsed.success) {
  process.stderr.write(`cannot read load options: ${parsed.error.message}\n`);
  process.exit(2);
}
const options = parsed.data;
const requests = options.requestFiles.map((file) => readFileSync(file));
const client = new grpc.Client(options.address, grpc.credentials.createInsecure(), {
  'grpc.max_receive_message_length': -1,
  'grpc.max_send_message_length': -1,
});

/** call sends the i-th call's request. */
function call(i: number): Promise<void> {
  const request = requests[i % requests.length] ?? Buffer.alloc(0);
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + options.deadlineMs;
    client.makeUnaryRequest(METHOD, asIs, asIs, request, { deadline }, (err) => {
      if (err === null) resolve();
      else reject(err);
    });
  });
}

interface Run {
  readonly latenciesMs: Float64Array;
  readonly errors: number;
  readonly firstError?: string;
  readonly durationMs: number;
}

/** drive makes count calls with options.concurrency in flight, timing each. */
async function drive(count: number): Promise<Run> {
  const latenciesMs = new Float64Array(count);
  let next = 0;
  let errors = 0;
  let firstError: string | undefined;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < count; i = next++) {
      const started = performance.now();
      try {
        await call(i);
      } catch (err) {
        errors++;
        firstError ??= String(err);
      }
      latenciesMs[i] = performance.now() - started;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const durationMs = performance.now() - started;
  return { latenciesMs, errors, durationMs, ...(firstError !== undefined && { firstError }) };
}

/** percentile is the nearest-rank percentile of sorted values. */
function percentile(sorted: Float64Array, fraction: number): number {
  return sorted[Math.max(0, Math.ceil(fraction * sorted.length) - 1)] ?? Number.NaN;
}

function summarise(run: Run): LoadResult {
  const sorted = run.latenciesMs.slice().sort();
  const total = sorted.reduce((sum, ms) => sum + ms, 0);
  return {
    requests: sorted.length,
    errors: run.errors,
    ...(run.firstError !== undefined && { firstError: run.firstError }),
    durationMs: run.durationMs,
    requestsPerSecond: (sorted.length / run.durationMs) * 1000,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    meanMs: total / sorted.length,
    maxMs: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

await new Promise<void>((resolve, reject) => {
  client.waitForReady(Date.now() + 10_000, (err) => {
    if (err === undefined) resolve();
    else reject(err);
  });
});
if (options.warmupRequests > 0) await drive(options.warmupRequests);
const result = summarise(await drive(options.requests));
client.close();
process.stdout.write(`${JSON.stringify(result)}\n`);
