/**
 * A property of the whole deciding core: whatever the metrics, the annotations (a remembered
 * answer of the model's among them), the policy and the model's answer, a class change, or in
 * recommend-only mode a recommendation, stays inside the envelope the guardrails define. The
 * oracle below re-derives that envelope from the inputs, independently of decide's own code.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';

import { readPerformanceMetrics } from '../../src/resource/performance-metrics.js';
import type { AdvisorAnswer } from '../../src/scaling/advisor.js';
import { decide } from '../../src/scaling/decide.js';
import { instanceClass, maxConnections } from '../../src/scaling/instance-classes.js';
import type { Policy } from '../../src/scaling/policy.js';
import { readState, VERDICTS } from '../../src/scaling/state.js';
import { formatRfc3339 } from '../../src/time.js';
import { NOW, policyWith } from '../fixtures/scaling.js';

const T3 = [
  'db.t3.micro',
  'db.t3.small',
  'db.t3.medium',
  'db.t3.large',
  'db.t3.xlarge',
  'db.t3.2xlarge',
];

const ago = (seconds: number) => formatRfc3339(new Date(NOW.getTime() - seconds * 1000));

const policyArb = fc
  .record({
    ladder: fc.subarray(T3, { minLength: 1 }),
    upCpu: fc.integer({ min: 50, max: 100 }),
    downCpu: fc.integer({ min: 0, max: 49 }),
    upFree: fc.integer({ min: 0, max: 40 }),
    downFree: fc.integer({ min: 41, max: 100 }),
    upConn: fc.integer({ min: 50, max: 100 }),
    downConn: fc.integer({ min: 0, max: 49 }),
    interval: fc.integer({ min: 60, max: 900 }),
    cooldown: fc.integer({ min: 0, max: 3600 }),
    window: fc.integer({ min: 0, max: 3600 }),
    recommendOnly: fc.boolean(),
    bounds: fc.tuple(fc.nat(), fc.nat()),
  })
  .map((p): Policy => {
    const [a, b] = p.bounds.map((n) => n % p.ladder.length).sort((x, y) => x - y);
    return policyWith({
      ladder: p.ladder,
      minInstanceClass: p.ladder[a ?? 0] ?? 'db.t3.micro',
      maxInstanceClass: p.ladder[b ?? 0] ?? 'db.t3.micro',
      scaleUp: { cpuPercent: p.upCpu, freeMemoryPercent: p.upFree, connectionsPercent: p.upConn },
      scaleDown: {
        cpuPercent: p.downCpu,
        freeMemoryPercent: p.downFree,
        connectionsPercent: p.downConn,
      },
      analysisIntervalSeconds: p.interval,
      cooldownSeconds: p.cooldown,
      scaleDownWindowSeconds: p.window,
      maxMetricsAgeSeconds: 900,
      recommendOnly: p.recommendOnly,
    });
  });

const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

const caseArb = policyArb.chain((policy) =>
  fc.record({
    policy: fc.constant(policy),
    current: fc.oneof(fc.constantFrom(...policy.ladder), fc.constantFrom(...T3, 'db.m5.large')),
    engine: fc.constantFrom('postgres', 'mysql', 'mariadb', 'oracle'),
    cpu: optional(fc.double({ min: 0, max: 100, noNaN: true })),
    freeFraction: optional(fc.double({ min: 0, max: 1, noNaN: true })),
    connections: optional(fc.integer({ min: 0, max: 2000 })),
    ageSeconds: fc.integer({ min: 0, max: 1200 }),
    lastAnalyzed: optional(fc.integer({ min: 0, max: 1800 })),
    lastScaled: optional(fc.integer({ min: 0, max: 7200 })),
    quietSince: optional(fc.integer({ min: 0, max: 7200 })),
    lastTriggers: fc.subarray(['cpu', 'memory', 'connections']),
    reported: optional(fc.constantFrom(...T3)),
    // A remembered answer of the model's, to a question that may or may not be today's.
    memo: optional(
      fc.record({
        question: fc.constantFrom(...VERDICTS),
        questionClass: fc.constantFrom(...T3),
        answer: fc.constantFrom(...VERDICTS),
        atSeconds: fc.integer({ min: 0, max: 7200 }),
        count: fc.integer({ min: 1, max: 6 }),
        triggers: fc.subarray(['cpu', 'memory', 'connections']),
      }),
    ),
    answer: fc.oneof(
      fc.record({
        decision: fc.constantFrom(...VERDICTS),
        instanceClass: fc.constantFrom(...T3, 'db.r6g.16xlarge'),
      }),
      fc.constant(undefined),
    ),
  }),
);

type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

function metricsOf(c: Case, memoryBytes: number) {
  const at = ago(c.ageSeconds);
  const sample = (value: number | undefined, unit: string) =>
    value === undefined ? undefined : { value, unit, timestamp: at };
  const metrics = {
    CPUUtilization: sample(c.cpu, 'Percent'),
    FreeableMemory: sample(
      c.freeFraction === undefined ? undefined : c.freeFraction * memoryBytes,
      'Bytes',
    ),
    DatabaseConnections: sample(c.connections, 'Count'),
  };
  return {
    databaseName: 'db',
    metrics: Object.fromEntries(Object.entries(metrics).filter(([, v]) => v)),
  };
}

/**
 * envelope is what the oracle allows: the classes a decision may move to, derived from the case
 * alone. `recommending` asks what a recommend-only decision may recommend: the same envelope.
 */
function envelope(c: Case, recommending = false): { up: boolean; down: boolean } {
  const { policy } = c;
  const cls = instanceClass(c.current);
  const position = policy.ladder.indexOf(c.current);
  const min = policy.ladder.indexOf(policy.minInstanceClass);
  const max = policy.ladder.indexOf(policy.maxInstanceClass);
  const fresh =
    c.ageSeconds <= policy.maxMetricsAgeSeconds &&
    (c.cpu !== undefined || c.freeFraction !== undefined || c.connections !== undefined);
  const cooling = c.lastScaled !== undefined && c.lastScaled < policy.cooldownSeconds;
  const pending = c.reported !== undefined && c.reported !== c.current;
  const held = policy.recommendOnly && !recommending;
  if (cls === undefined || position < 0 || !fresh || cooling || pending || held) {
    return { up: false, down: false };
  }
  const engine = c.engine === 'oracle' ? undefined : c.engine;
  const freePercent = c.freeFraction === undefined ? undefined : 100 * c.freeFraction;
  const connPercent =
    c.connections === undefined || engine === undefined
      ? undefined
      : (100 * c.connections) / maxConnections(cls, engine);
  const trigger =
    (c.cpu !== undefined && c.cpu > policy.scaleUp.cpuPercent) ||
    (freePercent !== undefined && freePercent < policy.scaleUp.freeMemoryPercent) ||
    (connPercent !== undefined && connPercent > policy.scaleUp.connectionsPercent);
  const quietNow =
    c.cpu !== undefined &&
    c.cpu < policy.scaleDown.cpuPercent &&
    freePercent !== undefined &&
    freePercent > policy.scaleDown.freeMemoryPercent &&
    connPercent !== undefined &&
    connPercent < policy.scaleDown.connectionsPercent;
  const quietLongEnough =
    quietNow && c.quietSince !== undefined && c.quietSince >= policy.scaleDownWindowSeconds;
  return {
    up: trigger && position + 1 <= max,
    down: !trigger && quietLongEnough && position - 1 >= min,
  };
}

describe('the guardrails hold for any input and any model answer', () => {
  test('a class change is one step, inside the bounds, and only where the envelope allows it', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const cls = instanceClass(c.current);
        const annotations = {
          ...(c.lastAnalyzed !== undefined && {
            'intelligent-scaling/last-analyzed': ago(c.lastAnalyzed),
          }),
          ...(c.lastScaled !== undefined && {
            'intelligent-scaling/last-scaled': ago(c.lastScaled),
          }),
          ...(c.quietSince !== undefined && {
            'intelligent-scaling/quiet-since': ago(c.quietSince),
          }),
          'intelligent-scaling/last-triggers': c.lastTriggers.join(','),
          ...(c.memo !== undefined && {
            'intelligent-scaling/advice-for': `${c.memo.question} ${c.memo.questionClass} by claude/test`,
            'intelligent-scaling/advice': c.memo.answer,
            'intelligent-scaling/advised-at': ago(c.memo.atSeconds),
            'intelligent-scaling/advice-count': String(c.memo.count),
            'intelligent-scaling/advice-triggers': c.memo.triggers.join(','),
          }),
        };
        const answer: AdvisorAnswer =
          c.answer === undefined
            ? { ok: false, cause: 'timeout', detail: 'no answer' }
            : { ok: true, advice: { ...c.answer, reasoning: 'model' }, decidedBy: 'claude/test' };
        const decision = await decide({
          now: NOW,
          policy: c.policy,
          subject: {
            kind: 'XSQLInstance',
            name: 'db',
            engine: c.engine,
            instanceClass: c.current,
            databaseNames: ['db'],
          },
          metrics: readPerformanceMetrics(metricsOf(c, cls?.memoryBytes ?? 1)),
          state: readState(annotations),
          ...(c.reported !== undefined && { instance: { reportedClass: c.reported } }),
          advisor: { name: 'claude', advise: () => Promise.resolve(answer) },
          signal: new AbortController().signal,
        });
        expect(decision.fromClass).toBe(c.current);
        const recommended = decision.recommendedClass;
        if (recommended !== undefined) {
          expect(decision.toClass).toBe(c.current);
          const allowed = envelope(c, true);
          const step = c.policy.ladder.indexOf(recommended) - c.policy.ladder.indexOf(c.current);
          expect(Math.abs(step)).toBe(1);
          expect(step > 0 ? allowed.up : allowed.down).toBe(true);
        }
        if (decision.toClass === decision.fromClass) return;
        const allowed = envelope(c);
        const step = c.policy.ladder.indexOf(decision.toClass) - c.policy.ladder.indexOf(c.current);
        expect(Math.abs(step)).toBe(1);
        expect(step > 0 ? allowed.up : allowed.down).toBe(true);
        expect(decision.verdict).toBe(step > 0 ? 'ScaleUp' : 'ScaleDown');
      }),
      { numRuns: 1000 },
    );
  });
});
