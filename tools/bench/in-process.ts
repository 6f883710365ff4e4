/**
 * What one call costs inside one process, without gRPC: the rules scenario's request decoded,
 * answered and encoded in a loop, and each reader RunFunction calls on it, timed alone. Seconds
 * to run, against the bench's fifteen minutes, so a change to the hot path can be tried quickly;
 * the bench and bench:layers then say what it is worth on the server. Figures are medians of 5
 * rounds, in microseconds per call; the echo's `to` + encode is the same floor as the bench's.
 *
 *   npm run bench:in-process
 */
import {
  RunFunctionRequest,
  RunFunctionResponse,
  to,
} from '@crossplane-org/function-sdk-typescript';
import { pino } from 'pino';

import { systemClock } from '../../src/clock.js';
import { newRunFunction } from '../../src/function/run-function.js';
import { readInput } from '../../src/input/read-input.js';
import { newLogger } from '../../src/logger.js';
import { readPerformanceMetrics } from '../../src/resource/performance-metrics.js';
import { readRdsInstance } from '../../src/resource/rds-instance.js';
import { readSqlInstance } from '../../src/resource/sql-instance.js';
import { readState } from '../../src/scaling/state.js';
import { median } from './report.js';
import { repoRoot } from './request.js';
import { rulesScenario } from './scenario-rules.js';

const COPIES = 500;
const WARMUP_CALLS = 20_000;
const CALLS = 100_000;
const ROUNDS = 5;

// The logger as the server builds it, writing to /dev/null, so the resize's info line is timed.
const logger = newLogger({
  debug: false,
  destination: pino.destination({ dest: '/dev/null', sync: false }),
});
const runFunction = newRunFunction({ logger, clock: systemClock });

const prepared = await rulesScenario.prepare(repoRoot());
const bytes = RunFunctionRequest.encode(prepared.request(new Date())).finish();
// Decoded copies, so no call sees the objects of the one before it; RunFunction never edits them.
const requests = Array.from({ length: COPIES }, () => RunFunctionRequest.decode(bytes));
const problem = prepared.check(await runFunction(requests[0] ?? RunFunctionRequest.decode(bytes)));
if (problem !== undefined) throw new Error(`RunFunction took the wrong path: ${problem}`);

type Step = (req: RunFunctionRequest) => unknown;

const xr = (req: RunFunctionRequest): Record<string, unknown> =>
  req.observed?.composite?.resource ?? {};
const instance = (req: RunFunctionRequest): Record<string, unknown> =>
  Object.values(req.observed?.resources ?? {})[0]?.resource ?? {};
const annotations = (req: RunFunctionRequest): Record<string, string> => {
  const reading = readRdsInstance(instance(req));
  return reading.ok ? { ...reading.value.annotations } : {};
};
const metrics = (req: RunFunctionRequest): unknown => {
  const status = xr(req)['status'];
  return typeof status === 'object' && status !== null
    ? (status as Record<string, unknown>)['performanceMetrics']
    : undefined;
};

const steps: readonly (readonly [string, Step])[] = [
  ['decode the request', () => RunFunctionRequest.decode(bytes)],
  ['echo: to + encode', (req) => RunFunctionResponse.encode(to(req)).finish()],
  ['RunFunction', (req) => runFunction(req)],
  [
    'RunFunction + encode',
    async (req) => RunFunctionResponse.encode(await runFunction(req)).finish(),
  ],
  ['  readInput', (req) => readInput(req.input)],
  ['  readSqlInstance', (req) => readSqlInstance(xr(req))],
  ['  readRdsInstance', (req) => readRdsInstance(instance(req))],
  ['  readState', (req) => readState(annotations(req))],
  ['  readPerformanceMetrics', (req) => readPerformanceMetrics(metrics(req))],
];

/** timeStep runs a step over the copies and returns microseconds per call. */
async function timeStep(step: Step, calls: number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < calls; i++) {
    await step(requests[i % COPIES] ?? RunFunctionRequest.decode(bytes));
  }
  return ((performance.now() - started) * 1000) / calls;
}

process.stdout.write(
  `in process, the rules scenario's request, µs per call, median of ${ROUNDS}\n`,
);
for (const [name, step] of steps) {
  await timeStep(step, WARMUP_CALLS);
  const rounds: number[] = [];
  for (let r = 0; r < ROUNDS; r++) rounds.push(await timeStep(step, CALLS / ROUNDS));
  process.stdout.write(`${name.padEnd(26)}${median(rounds).toFixed(1).padStart(7)}\n`);
}
await prepared.cleanup();
