/**
 * Tests of the Prometheus Telemetry: what each recorded event adds to the registry's text, read
 * line by line as Prometheus would scrape it, and that no label carries a name a user chose.
 */
import { register as globalRegistry } from 'prom-client';
import { describe, expect, test } from 'vitest';

import type { Decision } from '../../src/scaling/decide.js';
import { newPrometheusTelemetry } from '../../src/telemetry/prometheus.js';
import type { PrometheusTelemetry } from '../../src/telemetry/prometheus.js';

const PREFIX = 'function_intelligent_scaling_';

/** decision is a rules NoChange on db.t3.micro, changed by overrides. */
function decision(overrides: Partial<Decision> = {}): Decision {
  return {
    analyzed: true,
    verdict: 'NoChange',
    fromClass: 'db.t3.micro',
    toClass: 'db.t3.micro',
    reasoning: 'Every signal is within its thresholds.',
    decidedBy: 'rules',
    ttlSeconds: 300,
    ...overrides,
  };
}

/** samples returns the sample lines of the metric family name, without HELP and TYPE. */
async function samples(telemetry: PrometheusTelemetry, name: string): Promise<string[]> {
  const text = await telemetry.registry.metrics();
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${PREFIX}${name}{`) || line.startsWith(`${PREFIX}${name} `));
}

/** decisionLine is one decisions_total sample line. */
function decisionLine(action: string, reason: string, advisor: string, recommendOnly = false) {
  const labels = `action="${action}",reason="${reason}",advisor="${advisor}",recommend_only="${String(recommendOnly)}"`;
  return `${PREFIX}decisions_total{${labels}} 1`;
}

describe('decisions', () => {
  interface Case {
    readonly name: string;
    readonly reason: string;
    readonly given: Decision;
    readonly want: { readonly decisions: string[]; readonly fallbacks: string[] };
  }

  const cases: readonly Case[] = [
    {
      name: 'a scale-up by the rules',
      reason: 'the common resize, counted under its verdict',
      given: decision({ verdict: 'ScaleUp', toClass: 'db.t3.small', decidedBy: 'rules' }),
      want: { decisions: [decisionLine('scale_up', 'none', 'rules')], fallbacks: [] },
    },
    {
      name: 'a steady state',
      reason: 'an analysis that changes nothing is still a decision',
      given: decision(),
      want: { decisions: [decisionLine('no_change', 'none', 'rules')], fallbacks: [] },
    },
    {
      name: 'a skip',
      reason: 'the skip reason is the label, in snake_case',
      given: decision({ analyzed: false, skipReason: 'UnusableMetrics' }),
      want: { decisions: [decisionLine('skipped', 'unusable_metrics', 'rules')], fallbacks: [] },
    },
    {
      name: 'a resize held back by the cooldown',
      reason: 'a blocked resize is a skip for the cooldown, not a steady state',
      given: decision({ blockedByCooldown: true }),
      want: { decisions: [decisionLine('skipped', 'cooldown', 'rules')], fallbacks: [] },
    },
    {
      name: "recommend-only mode's recommendation",
      reason: 'it counts as its verdict, marked so it is not mistaken for a resize',
      given: decision({
        verdict: 'ScaleDown',
        recommendedClass: 'db.t3.micro',
        fromClass: 'db.t3.small',
        toClass: 'db.t3.small',
      }),
      want: { decisions: [decisionLine('scale_down', 'none', 'rules', true)], fallbacks: [] },
    },
    {
      name: "the model's advice applied",
      reason: 'the advisor label is claude, without the model name a user chose',
      given: decision({ verdict: 'ScaleUp', toClass: 'db.t3.small', decidedBy: 'claude/my-model' }),
      want: { decisions: [decisionLine('scale_up', 'none', 'claude')], fallbacks: [] },
    },
    {
      name: 'a fallback to the rules',
      reason: 'the rules decided because the model timed out',
      given: decision({
        verdict: 'ScaleUp',
        toClass: 'db.t3.small',
        fallback: { cause: 'timeout', detail: 'no answer within 20s' },
      }),
      want: {
        decisions: [decisionLine('scale_up', 'none', 'rules')],
        fallbacks: [`${PREFIX}advisor_fallbacks_total{cause="timeout"} 1`],
      },
    },
    {
      name: "the model's answer refused",
      reason: 'a refusal by the guardrails is a fallback of its own cause',
      given: decision({ refused: 'db.t3.large is two steps up' }),
      want: {
        decisions: [decisionLine('no_change', 'none', 'rules')],
        fallbacks: [`${PREFIX}advisor_fallbacks_total{cause="refused"} 1`],
      },
    },
  ];

  test.each(cases)('$name', async ({ given, want }) => {
    const telemetry = newPrometheusTelemetry();
    telemetry.decision(given);
    expect(await samples(telemetry, 'decisions_total')).toEqual(want.decisions);
    expect(await samples(telemetry, 'advisor_fallbacks_total')).toEqual(want.fallbacks);
  });

  test.each([
    ['InvalidState', 'invalid_state'],
    ['UnknownClass', 'unknown_class'],
    ['UnusableMetrics', 'unusable_metrics'],
    ['RateLimited', 'rate_limited'],
    ['PendingResize', 'pending_resize'],
  ] as const)('skip reason %s is labelled %s', async (skipReason, label) => {
    const telemetry = newPrometheusTelemetry();
    telemetry.decision(decision({ analyzed: false, skipReason }));
    expect(await samples(telemetry, 'decisions_total')).toEqual([
      decisionLine('skipped', label, 'rules'),
    ]);
  });

  test('counts repeated decisions on one series', async () => {
    const telemetry = newPrometheusTelemetry();
    const scaleUp = decision({ verdict: 'ScaleUp', toClass: 'db.t3.small' });
    telemetry.decision(scaleUp);
    telemetry.decision(scaleUp);
    telemetry.decision(decision({ analyzed: false, skipReason: 'RateLimited' }));
    expect(await samples(telemetry, 'decisions_total')).toEqual([
      decisionLine('scale_up', 'none', 'rules').replace(/ 1$/, ' 2'),
      decisionLine('skipped', 'rate_limited', 'rules'),
    ]);
  });
});

describe('RunFunction calls', () => {
  test('start at zero for every mode and outcome, then count and time each call', async () => {
    const telemetry = newPrometheusTelemetry();
    telemetry.runFunction('composition', 'ok', 250);
    telemetry.runFunction('composition', 'ok', 500);
    telemetry.runFunction('operation', 'fatal', 1);
    expect(await samples(telemetry, 'run_function_calls_total')).toEqual([
      `${PREFIX}run_function_calls_total{mode="composition",outcome="ok"} 2`,
      `${PREFIX}run_function_calls_total{mode="composition",outcome="fatal"} 0`,
      `${PREFIX}run_function_calls_total{mode="composition",outcome="error"} 0`,
      `${PREFIX}run_function_calls_total{mode="operation",outcome="ok"} 0`,
      `${PREFIX}run_function_calls_total{mode="operation",outcome="fatal"} 1`,
      `${PREFIX}run_function_calls_total{mode="operation",outcome="error"} 0`,
    ]);
    expect(await samples(telemetry, 'run_function_duration_seconds_count')).toEqual([
      `${PREFIX}run_function_duration_seconds_count{mode="composition",outcome="ok"} 2`,
      `${PREFIX}run_function_duration_seconds_count{mode="operation",outcome="fatal"} 1`,
    ]);
    expect(await samples(telemetry, 'run_function_duration_seconds_sum')).toEqual([
      `${PREFIX}run_function_duration_seconds_sum{mode="composition",outcome="ok"} 0.75`,
      `${PREFIX}run_function_duration_seconds_sum{mode="operation",outcome="fatal"} 0.001`,
    ]);
    expect(await samples(telemetry, 'run_function_duration_seconds_bucket')).toContain(
      `${PREFIX}run_function_duration_seconds_bucket{le="0.25",mode="composition",outcome="ok"} 1`,
    );
  });
});

describe('model requests', () => {
  test('count outcomes, time them and add up tokens by kind, never naming the model', async () => {
    const telemetry = newPrometheusTelemetry();
    const usage = {
      inputTokens: 1200,
      outputTokens: 80,
      cacheReadTokens: 1000,
      cacheWriteTokens: 0,
    };
    telemetry.modelRequest('my-secret-model-name', 'ok', 1500, usage);
    telemetry.modelRequest('my-secret-model-name', 'rate-limited', 200);
    telemetry.modelCallsInFlight(3);
    expect(await samples(telemetry, 'model_requests_total')).toEqual([
      `${PREFIX}model_requests_total{outcome="ok"} 1`,
      `${PREFIX}model_requests_total{outcome="rate-limited"} 1`,
    ]);
    expect(await samples(telemetry, 'model_request_duration_seconds_count')).toEqual([
      `${PREFIX}model_request_duration_seconds_count{outcome="ok"} 1`,
      `${PREFIX}model_request_duration_seconds_count{outcome="rate-limited"} 1`,
    ]);
    expect(await samples(telemetry, 'model_tokens_total')).toEqual([
      `${PREFIX}model_tokens_total{kind="input"} 1200`,
      `${PREFIX}model_tokens_total{kind="output"} 80`,
      `${PREFIX}model_tokens_total{kind="cache_read"} 1000`,
    ]);
    expect(await samples(telemetry, 'model_calls_in_flight')).toEqual([
      `${PREFIX}model_calls_in_flight 3`,
    ]);
    expect(await telemetry.registry.metrics()).not.toContain('my-secret-model-name');
  });
});

describe('the registry', () => {
  test('holds the process defaults beside our metrics, apart from the global registry', async () => {
    const telemetry = newPrometheusTelemetry();
    const text = await telemetry.registry.metrics();
    expect(text).toContain('\nprocess_cpu_user_seconds_total ');
    expect(text).toContain('\nnodejs_heap_size_used_bytes ');
    expect(await globalRegistry.metrics()).not.toContain(PREFIX);
  });

  test('lets two instances live in one process', () => {
    expect(() => [newPrometheusTelemetry(), newPrometheusTelemetry()]).not.toThrow();
  });
});
