/**
 * The bench's model-path scenario, in the parts that decide what it reports: requests about
 * distinct databases, counters read off a real /metrics exposition, health-check percentiles,
 * and the targets, which must fail when the cap is broken, an RPC fails, or health goes dark.
 */
import { Counter, Registry } from 'prom-client';
import { describe, expect, test } from 'vitest';

import { newPrometheusTelemetry } from '../../../src/telemetry/prometheus.js';
import {
  asDatabase,
  modelPathTargets,
  PHASES,
  summariseChecks,
} from '../../../tools/bench/model-path.js';
import type { PhaseReport } from '../../../tools/bench/model-path.js';
import { loadExampleRequest } from '../../../tools/bench/request.js';
import { countBy, parseSamples } from '../../../tools/bench/scrape.js';

const NOW = new Date('2026-12-03T12:00:00Z');

describe('asDatabase', () => {
  test('names the XR and the database its metrics are for after the index, and nothing else', async () => {
    const build = await loadExampleRequest();
    const original = build(NOW);
    const renamed = asDatabase(original, 7);
    const xr = renamed.observed?.composite?.resource;
    expect(xr?.['metadata']).toMatchObject({
      name: 'rds-metrics-database-ai-scale-7',
      namespace: 'default',
    });
    expect(xr?.['status']).toMatchObject({
      performanceMetrics: { databaseName: 'rds-metrics-database-ai-scale-7', region: 'us-west-2' },
    });
    expect(renamed.desired).toEqual(original.desired);
    expect(renamed.input).toEqual(original.input);
    // The original is left as it was, so one builder serves every database.
    expect(original.observed?.composite?.resource?.['metadata']).toMatchObject({
      name: 'rds-metrics-database-ai-scale',
    });
  });
});

describe('parseSamples and countBy', () => {
  test('count the function’s own metrics by label, from the text its registry serves', async () => {
    const telemetry = newPrometheusTelemetry();
    telemetry.modelRequest('claude-haiku-4-5', 'timeout', 20_000);
    telemetry.modelRequest('claude-haiku-4-5', 'timeout', 20_000);
    telemetry.modelRequest('claude-haiku-4-5', 'ok', 900, {
      inputTokens: 500,
      outputTokens: 60,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
    });
    const samples = parseSamples(await telemetry.registry.metrics());
    expect(
      countBy(samples, 'function_intelligent_scaling_model_requests_total', 'outcome'),
    ).toEqual({
      timeout: 2,
      ok: 1,
    });
  });

  test('read escaped label values and skip comments', async () => {
    const registry = new Registry();
    const counter = new Counter({
      name: 'c_total',
      help: 'h',
      labelNames: ['l'],
      registers: [registry],
    });
    counter.inc({ l: 'a "quoted" \\ value' }, 3);
    const samples = parseSamples(await registry.metrics());
    expect(samples).toEqual([{ name: 'c_total', labels: { l: 'a "quoted" \\ value' }, value: 3 }]);
  });
});

describe('summariseChecks', () => {
  test('takes percentiles of the times and counts every answer but SERVING', () => {
    const checks = [5, 1, 3, 2, 4].map((ms) => ({ ms, status: 'SERVING' }));
    checks.push({ ms: 100, status: 'Deadline exceeded' });
    expect(summariseChecks(checks)).toEqual({
      checks: 6,
      notServing: 1,
      p50Ms: 3.5,
      p99Ms: 100,
      maxMs: 100,
    });
  });
});

describe('modelPathTargets', () => {
  const capped = PHASES.find((p) => p.name === 'capped');
  if (capped === undefined) throw new Error('no capped phase');
  const healthy: PhaseReport = {
    phase: capped,
    rpcs: {
      requests: 64,
      errors: 0,
      durationMs: 40_000,
      requestsPerSecond: 1.6,
      p50Ms: 16_000,
      p99Ms: 20_100,
      meanMs: 15_000,
      maxMs: 20_300,
    },
    modelCalls: 42,
    maxModelCallsInFlight: capped.maxConcurrentModelCalls,
    decidedBy: { claude: 37, rules: 27 },
    fallbacks: { timeout: 27 },
    modelRequests: { ok: 37, busy: 22, timeout: 5 },
    health: {
      idle: { checks: 200, notServing: 0, p50Ms: 2, p99Ms: 10, maxMs: 12 },
      atPeak: { checks: 900, notServing: 0, p50Ms: 3, p99Ms: 20, maxMs: 90 },
    },
  };
  const verdicts = (report: PhaseReport) => modelPathTargets([report]).map((t) => t.met);

  test('are met by a phase that kept the cap, answered every RPC and stayed healthy', () => {
    expect(verdicts(healthy)).toEqual([true, true, true]);
  });

  test('fail when the model saw more calls at once than the cap', () => {
    expect(verdicts({ ...healthy, maxModelCallsInFlight: 5 })).toEqual([false, true, true]);
  });

  test('fail when an RPC failed or took Crossplane’s whole budget', () => {
    expect(verdicts({ ...healthy, rpcs: { ...healthy.rpcs, errors: 1 } })).toEqual([
      true,
      false,
      true,
    ]);
    expect(verdicts({ ...healthy, rpcs: { ...healthy.rpcs, maxMs: 60_000 } })).toEqual([
      true,
      false,
      true,
    ]);
  });

  test('fail when a health check was not SERVING, or none was sent at peak load', () => {
    const atPeak = healthy.health.atPeak;
    const with_ = (a: typeof atPeak) => ({ ...healthy, health: { ...healthy.health, atPeak: a } });
    expect(verdicts(with_({ ...atPeak, notServing: 1 }))).toEqual([true, true, false]);
    expect(verdicts(with_({ ...atPeak, checks: 0 }))).toEqual([true, true, false]);
  });
});
