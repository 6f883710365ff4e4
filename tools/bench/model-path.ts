/**
 * The model path under load: our built server with an API key, pointed at a local fake Messages
 * API that answers after a fixed delay, sent the composition example for 64 databases at once.
 * Two phases, each with a fresh server and a fresh fake:
 *
 * - "capped": the default cap of 4 concurrent model calls and a slow model. The fake counts the
 *   calls it holds at once, which must never exceed the cap; every RPC must answer, in time,
 *   the ones whose analysis found no free slot before its deadline on the rules.
 * - "health": a cap of 64 and a slower model, so 64 model calls are in flight at once. Health
 *   checks go out every few milliseconds throughout; the ones sent and answered while the fake
 *   held 64 calls are compared with checks of the same server, idle, in the same run.
 *
 * The server's /metrics, scraped before and after, says who decided each analysis and why the
 * rules took over. See tools/bench/README.md.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { RunFunctionRequest } from '@crossplane-org/function-sdk-typescript';

import { METRIC_PREFIX } from '../../src/telemetry/prometheus.js';
import { startFakeMessagesApi } from '../fake-messages-api/server.js';
import type { FakeMessagesApi } from '../fake-messages-api/server.js';
import { callOnce } from './client.js';
import { newHealthProbe } from './health.js';
import type { HealthCheck, HealthProbe } from './health.js';
import type { LoadResult } from './load-protocol.js';
import { median } from './report.js';
import type { Target } from './report.js';
import { loadExampleRequest } from './request.js';
import type { ExampleRequest } from './request.js';
import { runLoad } from './run-load.js';
import { countBy, scrape } from './scrape.js';
import type { Sample } from './scrape.js';
import { startBenchServer } from './server.js';
import type { BenchServer } from './server.js';

/** DATABASES is how many distinct databases the requests speak for, one per call in flight. */
const DATABASES = 64;

/** RPC_DEADLINE_MS is Crossplane's budget for one function call, which every RPC must beat. */
export const RPC_DEADLINE_MS = 60_000;

/** ANALYSIS_DEADLINE_MS is the Prompt input's default deadline for asking the model. */
const ANALYSIS_DEADLINE_MS = 20_000;

// Health checks: how many to time on the idle server, how often to send them under load.
const IDLE_CHECKS = 200;
const CHECK_EVERY_MS = 20;
const CHECK_TIMEOUT_MS = 5_000;

/** Phase is one load on the model path. */
export interface Phase {
  readonly name: string;
  readonly summary: string;
  /** --max-concurrent-model-calls for our server. */
  readonly maxConcurrentModelCalls: number;
  /** How long the fake takes to answer each call, in ms. */
  readonly modelDelayMs: number;
  /** Calls in flight at once, each for a different database. */
  readonly concurrency: number;
  readonly requests: number;
}

/** PHASES are the two loads, in the order they run. */
export const PHASES: readonly Phase[] = [
  {
    name: 'capped',
    summary: '64 databases at once, at most 4 model calls, a model that takes 2 s',
    maxConcurrentModelCalls: 4,
    modelDelayMs: 2_000,
    concurrency: DATABASES,
    requests: 3 * DATABASES,
  },
  {
    name: 'health',
    summary: '64 databases at once, up to 64 model calls, a model that takes 5 s',
    maxConcurrentModelCalls: 64,
    modelDelayMs: 5_000,
    concurrency: DATABASES,
    requests: 2 * DATABASES,
  },
];

/** HealthSummary is a set of timed health checks. */
export interface HealthSummary {
  readonly checks: number;
  /** Checks that did not answer SERVING, timeouts and errors included. */
  readonly notServing: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** PhaseReport is what one phase measured. */
export interface PhaseReport {
  readonly phase: Phase;
  /** The RPCs as the load generator saw them. */
  readonly rpcs: LoadResult;
  /** Requests the fake received during the load, and the most it held at once. */
  readonly modelCalls: number;
  readonly maxModelCallsInFlight: number;
  /** Analyses by the advisor that decided them, from the server's decisions counter. */
  readonly decidedBy: Readonly<Record<string, number>>;
  /** Fallbacks to the rules by cause, from the server's fallbacks counter. */
  readonly fallbacks: Readonly<Record<string, number>>;
  /** Model requests by outcome as the server counted them ('busy': no slot before the deadline). */
  readonly modelRequests: Readonly<Record<string, number>>;
  /** Health checks of the idle server before the load, and those answered at peak model load. */
  readonly health: { readonly idle: HealthSummary; readonly atPeak: HealthSummary };
}

/** ModelPathReport is everything the scenario measured. */
export interface ModelPathReport {
  readonly scenario: 'model';
  readonly date: string;
  readonly phases: readonly PhaseReport[];
  readonly targets: readonly Target[];
}

/** ModelPathPaths are the built files the scenario runs. */
export interface ModelPathPaths {
  readonly root: string;
  readonly main: string;
  readonly load: string;
  readonly tmp: string;
}

/**
 * asDatabase renames the example's XR, and the database its metrics are for, so each request is
 * about a database of its own.
 */
export function asDatabase(req: RunFunctionRequest, index: number): RunFunctionRequest {
  const copy = RunFunctionRequest.fromPartial(structuredClone(req));
  const xr = copy.observed?.composite?.resource;
  const { metadata, status } = (xr ?? {}) as { metadata?: unknown; status?: unknown };
  if (xr === undefined || !isObject(metadata) || !isObject(status)) {
    throw new Error('the example request has no observed composite with metadata and status');
  }
  const name = `${String(metadata['name'])}-${index}`;
  const metrics = status['performanceMetrics'];
  xr['metadata'] = { ...metadata, name };
  xr['status'] = {
    ...status,
    ...(isObject(metrics) && { performanceMetrics: { ...metrics, databaseName: name } }),
  };
  return copy;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** summariseChecks reduces timed health checks to their percentiles. */
export function summariseChecks(checks: readonly HealthCheck[]): HealthSummary {
  const sorted = checks.map((c) => c.ms).sort((a, b) => a - b);
  const rank = (fraction: number) =>
    sorted[Math.max(0, Math.ceil(fraction * sorted.length) - 1)] ?? Number.NaN;
  return {
    checks: checks.length,
    notServing: checks.filter((c) => c.status !== 'SERVING').length,
    p50Ms: median(sorted),
    p99Ms: rank(0.99),
    maxMs: sorted.at(-1) ?? Number.NaN,
  };
}

/** difference subtracts the counts before a run from those after it, dropping zeros. */
function difference(
  after: Readonly<Record<string, number>>,
  before: Readonly<Record<string, number>>,
): Record<string, number> {
  return Object.fromEntries(
    Object.entries(after)
      .map(([key, value]) => [key, value - (before[key] ?? 0)] as const)
      .filter(([, value]) => value !== 0),
  );
}

function counts(samples: readonly Sample[]) {
  return {
    decidedBy: countBy(samples, `${METRIC_PREFIX}decisions_total`, 'advisor'),
    fallbacks: countBy(samples, `${METRIC_PREFIX}advisor_fallbacks_total`, 'cause'),
    modelRequests: countBy(samples, `${METRIC_PREFIX}model_requests_total`, 'outcome'),
  };
}

/** checkClaudeDecides makes sure the server asks the model before anything is measured. */
async function checkClaudeDecides(server: BenchServer, req: RunFunctionRequest): Promise<void> {
  const rsp = await callOnce(server.address, req);
  const messages = rsp.results.map((r) => r.message);
  if (!messages.some((m) => m.includes('decided by claude'))) {
    throw new Error(`our server did not ask the model: [${messages.join('; ')}]`);
  }
}

/** idleChecks times health checks one after another on a server with nothing else to do. */
async function idleChecks(probe: HealthProbe): Promise<HealthCheck[]> {
  const checks: HealthCheck[] = [];
  for (let i = 0; i < IDLE_CHECKS; i++) checks.push(await probe.check(CHECK_TIMEOUT_MS));
  return checks;
}

/**
 * checksAtPeak sends a health check every CHECK_EVERY_MS while the fake holds `peak` model
 * calls, until stopped, and keeps those it still held `peak` for when the answer came.
 */
function checksAtPeak(probe: HealthProbe, fake: FakeMessagesApi, peak: number) {
  const kept: HealthCheck[] = [];
  const pending: Promise<void>[] = [];
  const timer = setInterval(() => {
    if (fake.inFlight < peak) return;
    pending.push(
      probe.check(CHECK_TIMEOUT_MS).then((check) => {
        if (fake.inFlight >= peak) kept.push(check);
      }),
    );
  }, CHECK_EVERY_MS);
  return async (): Promise<HealthCheck[]> => {
    clearInterval(timer);
    await Promise.all(pending);
    return kept;
  };
}

async function writeRequests(
  paths: ModelPathPaths,
  build: ExampleRequest,
  phase: Phase,
): Promise<string[]> {
  const now = new Date();
  return Promise.all(
    Array.from({ length: DATABASES }, async (_, i) => {
      const file = join(paths.tmp, `${phase.name}-${i}.bin`);
      await writeFile(file, RunFunctionRequest.encode(asDatabase(build(now), i)).finish());
      return file;
    }),
  );
}

/** peakOf is how many model calls a phase can have in flight at once. */
function peakOf(phase: Phase): number {
  return Math.min(phase.maxConcurrentModelCalls, phase.concurrency);
}

/** runPhase measures one phase against a fresh fake and a fresh server of ours. */
async function runPhase(
  paths: ModelPathPaths,
  build: ExampleRequest,
  phase: Phase,
  requests: number,
  progress: (message: string) => void,
): Promise<PhaseReport> {
  const fake = await startFakeMessagesApi({
    policy: { name: 'follow', delayMs: phase.modelDelayMs },
  });
  const server = await startBenchServer({
    script: paths.main,
    args: [
      '--insecure',
      '--address',
      '127.0.0.1:0',
      '--metrics-address',
      '127.0.0.1:0',
      '--max-concurrent-model-calls',
      String(phase.maxConcurrentModelCalls),
    ],
    // A key no real API would take: the fake checks that one is sent, nothing more.
    env: { ANTHROPIC_API_KEY: 'sk-ant-bench-not-a-key', ANTHROPIC_BASE_URL: fake.url },
    servesMetrics: true,
  });
  const probe = newHealthProbe(server.address);
  try {
    const metricsAddress = server.metricsAddress;
    if (metricsAddress === undefined) throw new Error('our server logged no metrics address');
    // A database of its own, so no call of the load shares its model call.
    await checkClaudeDecides(server, asDatabase(build(new Date()), DATABASES));
    const idle = await idleChecks(probe);
    const before = counts(await scrape(metricsAddress));
    const callsBefore = fake.calls;
    const stopChecks = checksAtPeak(probe, fake, peakOf(phase));
    progress(`model path, ${phase.name}: ${phase.summary}; ${requests} calls`);
    const rpcs = await runLoad(paths.load, {
      address: server.address,
      requestFiles: await writeRequests(paths, build, phase),
      concurrency: phase.concurrency,
      requests,
      warmupRequests: 0,
      deadlineMs: RPC_DEADLINE_MS,
    });
    const atPeak = await stopChecks();
    const after = counts(await scrape(metricsAddress));
    return {
      phase,
      rpcs,
      modelCalls: fake.calls - callsBefore,
      maxModelCallsInFlight: fake.maxInFlight,
      decidedBy: difference(after.decidedBy, before.decidedBy),
      fallbacks: difference(after.fallbacks, before.fallbacks),
      modelRequests: difference(after.modelRequests, before.modelRequests),
      health: { idle: summariseChecks(idle), atPeak: summariseChecks(atPeak) },
    };
  } finally {
    probe.close();
    await server.stop();
    await fake.close();
  }
}

/** modelPathTargets checks the goals: the cap held, every RPC in time, health at peak load. */
export function modelPathTargets(phases: readonly PhaseReport[]): Target[] {
  const found: Target[] = [];
  for (const report of phases) {
    const { phase, rpcs } = report;
    if (phase.maxConcurrentModelCalls < phase.concurrency) {
      found.push({
        description: `${phase.name}: most model calls in flight at once (cap ${phase.maxConcurrentModelCalls})`,
        measured: report.maxModelCallsInFlight,
        limit: phase.maxConcurrentModelCalls,
        met: report.maxModelCallsInFlight <= phase.maxConcurrentModelCalls,
      });
    }
    found.push({
      description: `${phase.name}: slowest RPC, s (${rpcs.errors} of ${rpcs.requests} failed)`,
      measured: rpcs.maxMs / 1000,
      limit: RPC_DEADLINE_MS / 1000,
      met: rpcs.errors === 0 && rpcs.maxMs < RPC_DEADLINE_MS,
    });
    const { atPeak } = report.health;
    found.push({
      description: `${phase.name}: health checks not answered SERVING, of ${atPeak.checks} sent with ${peakOf(phase)} model calls in flight`,
      measured: atPeak.notServing,
      limit: 0,
      met: atPeak.checks > 0 && atPeak.notServing === 0,
    });
  }
  return found;
}

/** runModelPath runs every phase, one after the other. */
export async function runModelPath(
  paths: ModelPathPaths,
  options: { readonly quick: boolean },
  progress: (message: string) => void,
): Promise<ModelPathReport> {
  const build = await loadExampleRequest(paths.root);
  const phases: PhaseReport[] = [];
  for (const phase of PHASES) {
    // A quick run sends one call per database: enough to fill every slot once.
    const requests = options.quick ? phase.concurrency : phase.requests;
    phases.push(await runPhase(paths, build, phase, requests, progress));
  }
  return {
    scenario: 'model',
    date: new Date().toISOString(),
    phases,
    targets: modelPathTargets(phases),
  };
}

const ms = (value: number) => value.toFixed(value < 10 ? 2 : 0);
const tally = (counts: Readonly<Record<string, number>>) =>
  Object.entries(counts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `${key} ${value}`)
    .join(', ') || 'none';

/** formatModelPath renders the report as the lines the bench prints. */
export function formatModelPath(report: ModelPathReport): string {
  const out = ['scenario "model": the model path against a fake Messages API with a fixed delay'];
  for (const { phase, rpcs, ...r } of report.phases) {
    const { idle, atPeak } = r.health;
    out.push(
      '',
      `${phase.name}: ${phase.summary} (--max-concurrent-model-calls ${phase.maxConcurrentModelCalls})`,
      `  RPCs: ${rpcs.requests} answered, ${rpcs.errors} failed; p50 ${ms(rpcs.p50Ms / 1000)} s,` +
        ` p99 ${ms(rpcs.p99Ms / 1000)} s, slowest ${ms(rpcs.maxMs / 1000)} s` +
        ` (model deadline ${ANALYSIS_DEADLINE_MS / 1000} s, Crossplane's ${RPC_DEADLINE_MS / 1000} s)`,
      `  model: ${r.modelCalls} calls, at most ${r.maxModelCallsInFlight} in flight at once;` +
        ` requests by outcome: ${tally(r.modelRequests)}`,
      `  decided by: ${tally(r.decidedBy)}; fell back to the rules: ${tally(r.fallbacks)}`,
      `  health: idle p50 ${ms(idle.p50Ms)} ms, p99 ${ms(idle.p99Ms)} ms (${idle.checks} checks);` +
        ` with ${peakOf(phase)} model calls in flight p50 ${ms(atPeak.p50Ms)} ms,` +
        ` p99 ${ms(atPeak.p99Ms)} ms, slowest ${ms(atPeak.maxMs)} ms` +
        ` (${atPeak.checks} checks, ${atPeak.notServing} not SERVING;` +
        ` p50 ${(atPeak.p50Ms / idle.p50Ms).toFixed(2)}x idle)`,
    );
  }
  out.push('');
  for (const target of report.targets) {
    const verdict = target.met ? 'met' : 'MISSED';
    const measured = Number.isInteger(target.measured)
      ? String(target.measured)
      : target.measured.toFixed(2);
    out.push(`target: ${target.description}: ${measured} (limit ${target.limit}) ${verdict}`);
  }
  return `${out.join('\n')}\n`;
}
