/**
 * The deciding core end to end, without Crossplane: gates in order, rules, cooldown, the
 * advisor's answer held by the guardrails, and the state written for the next call.
 */
import { describe, expect, test } from 'vitest';

import { readPerformanceMetrics } from '../../src/resource/performance-metrics.js';
import { rulesAdvisor } from '../../src/scaling/advisor.js';
import type { Advice, Advisor, AdvisorAnswer } from '../../src/scaling/advisor.js';
import { decide } from '../../src/scaling/decide.js';
import type { Decision } from '../../src/scaling/decide.js';
import type { Policy } from '../../src/scaling/policy.js';
import { readState } from '../../src/scaling/state.js';
import { GiB, minutesAgo, NOW, performanceMetrics, policyWith } from '../fixtures/scaling.js';
import type { Demand } from '../fixtures/scaling.js';

interface Given {
  readonly instanceClass?: string;
  readonly engine?: string;
  readonly demand?: Demand;
  readonly metrics?: unknown;
  readonly annotations?: Record<string, string>;
  readonly reportedClass?: string | null;
  readonly policy?: Partial<Policy>;
  readonly advisor?: Advisor;
}

async function run(given: Given): Promise<Decision> {
  const instanceClass = given.instanceClass ?? 'db.t3.micro';
  const metrics = 'metrics' in given ? given.metrics : performanceMetrics(given.demand ?? {}, 'db');
  return decide({
    now: NOW,
    policy: policyWith(given.policy),
    subject: {
      kind: 'XSQLInstance',
      namespace: 'default',
      name: 'db',
      engine: given.engine ?? 'mariadb',
      region: 'us-west-2',
      instanceClass,
      databaseNames: ['db'],
    },
    metrics: readPerformanceMetrics(metrics),
    state: readState(given.annotations),
    ...(given.reportedClass !== undefined && {
      instance: given.reportedClass === null ? {} : { reportedClass: given.reportedClass },
    }),
    advisor: given.advisor ?? rulesAdvisor,
    signal: new AbortController().signal,
  });
}

// A quiet micro: low CPU, most memory free, few connections.
const quiet: Demand = { cpuPercent: 3, freeableMemoryBytes: 0.8 * GiB, connections: 1 };
const busyCpu: Demand = { cpuPercent: 96, freeableMemoryBytes: 0.5 * GiB, connections: 10 };

interface Row {
  readonly name: string;
  readonly reason: string;
  readonly given: Given;
  readonly want: Partial<Decision>;
  /** The decision must leave the annotations exactly as they are. */
  readonly keepsAnnotations?: boolean;
}

const skips: Row[] = [
  {
    name: 'metrics missing',
    reason: 'no metrics step has written status.performanceMetrics yet',
    given: { metrics: undefined, demand: busyCpu, annotations: {} },
    want: {
      analyzed: false,
      skipReason: 'UnusableMetrics',
      reasoning: 'Not analysed: status.performanceMetrics is missing.',
    },
  },
  {
    name: 'metrics stale',
    reason: 'a datapoint older than maxMetricsAge no longer describes the database',
    given: { demand: { ...busyCpu, ageMinutes: 42 } },
    want: {
      skipReason: 'UnusableMetrics',
      reasoning:
        'Not analysed: CPUUtilization datapoint at 2025-09-15T12:12:00Z is 42m old (maximum 15m).',
    },
  },
  {
    name: 'metrics from the future',
    reason: 'a timestamp beyond the clock skew is contradictory',
    given: { demand: { ...busyCpu, ageMinutes: -5 } },
    want: {
      skipReason: 'UnusableMetrics',
      reasoning:
        'Not analysed: CPUUtilization datapoint at 2025-09-15T12:59:00Z is 5m in the future.',
    },
  },
  {
    name: 'metric negative',
    reason: 'a negative count is malformed',
    given: { demand: { ...busyCpu, connections: -1 } },
    want: {
      skipReason: 'UnusableMetrics',
      reasoning:
        'Not analysed: status.performanceMetrics.metrics.DatabaseConnections.value: must not be negative.',
    },
  },
  {
    name: 'CPU above 100%',
    reason: 'a percentage above 100 is contradictory',
    given: { demand: { ...busyCpu, cpuPercent: 140 } },
    want: {
      skipReason: 'UnusableMetrics',
      reasoning: 'Not analysed: CPUUtilization 140% is above 100%.',
    },
  },
  {
    name: 'free memory above the class',
    reason: 'metrics of a larger class must not be read against a smaller one',
    given: { demand: { ...quiet, freeableMemoryBytes: 3 * GiB } },
    want: {
      skipReason: 'UnusableMetrics',
      reasoning: 'Not analysed: FreeableMemory 3 GiB exceeds the 1 GiB of db.t3.micro.',
    },
  },
  {
    name: 'metrics of another database',
    reason: 'a metrics step that wrote the wrong database must not resize this one',
    given: { metrics: performanceMetrics(busyCpu, 'other') },
    want: {
      skipReason: 'UnusableMetrics',
      reasoning: 'Not analysed: metrics are for database "other", not "db".',
    },
  },
  {
    name: 'unknown class',
    reason: 'percentages need the class capacity',
    given: { instanceClass: 'db.x9.huge', demand: busyCpu },
    want: {
      skipReason: 'UnknownClass',
      reasoning: 'Not analysed: instance class "db.x9.huge" is not one this function knows.',
    },
  },
  {
    name: 'malformed annotation',
    reason: 'state that cannot be read is never acted on, and is left for the operator',
    given: { demand: busyCpu, annotations: { 'intelligent-scaling/last-scaled': 'yesterday' } },
    want: {
      skipReason: 'InvalidState',
      reasoning:
        'Not analysed: annotation intelligent-scaling/last-scaled: "yesterday" is not an RFC 3339 time.',
    },
    keepsAnnotations: true,
  },
  {
    name: 'annotation in the future',
    reason: 'a last-scaled time ahead of the clock would hold a cooldown forever',
    given: {
      demand: busyCpu,
      annotations: { 'intelligent-scaling/last-scaled': '2099-01-01T00:00:00Z' },
    },
    want: { skipReason: 'InvalidState' },
    keepsAnnotations: true,
  },
  {
    name: 'rate limited',
    reason: 'the last analysis is younger than the interval and saw the same picture',
    given: { demand: quiet, annotations: { 'intelligent-scaling/last-analyzed': minutesAgo(2) } },
    want: {
      skipReason: 'RateLimited',
      reasoning:
        'Not analysed: last analysis at 2025-09-15T12:52:00Z, next due at 2025-09-15T12:57:00Z.',
      ttlSeconds: 180,
    },
  },
  {
    name: 'rate limited with a trigger already seen',
    reason: 'noise around a threshold must not become an analysis every call',
    given: {
      demand: busyCpu,
      annotations: {
        'intelligent-scaling/last-analyzed': minutesAgo(1),
        'intelligent-scaling/last-triggers': 'cpu',
      },
    },
    want: { skipReason: 'RateLimited' },
  },
  {
    name: 'rate limited with a new trigger but in cooldown',
    reason: 'an early analysis is only worth it when a resize could follow',
    given: {
      demand: busyCpu,
      annotations: {
        'intelligent-scaling/last-analyzed': minutesAgo(1),
        'intelligent-scaling/last-scaled': minutesAgo(3),
      },
    },
    want: { skipReason: 'RateLimited' },
  },
  {
    name: 'resize pending',
    reason: 'RDS still reports the old class',
    given: { demand: busyCpu, instanceClass: 'db.t3.small', reportedClass: 'db.t3.micro' },
    want: {
      skipReason: 'PendingResize',
      reasoning:
        'Not analysed: a resize is still being applied: the RDS Instance reports "db.t3.micro", "db.t3.small" was asked for.',
    },
  },
  {
    name: 'metrics older than the last resize',
    reason: 'datapoints taken before a resize describe the previous class: wait, do not warn',
    given: {
      demand: { ...busyCpu, ageMinutes: 4 },
      annotations: { 'intelligent-scaling/last-scaled': minutesAgo(3) },
    },
    want: {
      skipReason: 'PendingResize',
      reasoning:
        'Not analysed: waiting for metrics of "db.t3.micro": the CPUUtilization datapoint at 2025-09-15T12:50:00Z predates the resize (2025-09-15T12:51:00Z).',
    },
  },
  {
    name: 'Instance has not reported a class',
    reason: 'an Instance still being created tells nothing yet',
    given: { demand: busyCpu, reportedClass: null },
    want: { skipReason: 'PendingResize' },
  },
];

const analyses: Row[] = [
  {
    name: 'CPU pegged',
    reason: 'any scale-up trigger moves one step up',
    given: { demand: busyCpu, reportedClass: 'db.t3.micro' },
    want: {
      analyzed: true,
      verdict: 'ScaleUp',
      fromClass: 'db.t3.micro',
      toClass: 'db.t3.small',
      reasoning: 'Scale up from db.t3.micro to db.t3.small: CPU 96% > 85%.',
      decidedBy: 'rules',
      ttlSeconds: 300,
    },
  },
  {
    name: 'new trigger cuts the wait short',
    reason: 'a scale-up the last analysis did not see, with a resize allowed now',
    given: { demand: busyCpu, annotations: { 'intelligent-scaling/last-analyzed': minutesAgo(1) } },
    want: { verdict: 'ScaleUp', toClass: 'db.t3.small' },
  },
  {
    name: 'memory low',
    reason: 'free memory under 15% of the class is a trigger',
    given: {
      instanceClass: 'db.t3.small',
      demand: { cpuPercent: 30, freeableMemoryBytes: 0.2 * GiB, connections: 5 },
    },
    want: {
      verdict: 'ScaleUp',
      toClass: 'db.t3.medium',
      reasoning: 'Scale up from db.t3.small to db.t3.medium: free memory 10% < 15%.',
    },
  },
  {
    name: 'connections high on postgres',
    reason:
      'connections are a percentage of the engine default max_connections (db.t3.micro postgres: 81)',
    given: {
      engine: 'postgres',
      demand: { cpuPercent: 30, freeableMemoryBytes: 0.5 * GiB, connections: 75 },
    },
    want: {
      verdict: 'ScaleUp',
      reasoning: 'Scale up from db.t3.micro to db.t3.small: connections 91.5% > 85%.',
    },
  },
  {
    name: 'at the top of the ladder',
    reason: 'never past the end',
    given: {
      instanceClass: 'db.t3.large',
      demand: { cpuPercent: 99, freeableMemoryBytes: 4 * GiB, connections: 5 },
    },
    want: {
      verdict: 'NoChange',
      toClass: 'db.t3.large',
      reasoning:
        'No change: CPU 99% > 85% calls for a larger class, but "db.t3.large" is the largest class allowed.',
    },
  },
  {
    name: 'at the policy bound',
    reason: 'maxInstanceClass caps the ladder',
    given: {
      instanceClass: 'db.t3.small',
      demand: busyCpu,
      policy: { maxInstanceClass: 'db.t3.small' },
    },
    want: { verdict: 'NoChange', toClass: 'db.t3.small' },
  },
  {
    name: 'inside the cooldown',
    reason: 'analyse, do not resize',
    given: { demand: busyCpu, annotations: { 'intelligent-scaling/last-scaled': minutesAgo(10) } },
    want: {
      analyzed: true,
      blockedByCooldown: true,
      verdict: 'NoChange',
      toClass: 'db.t3.micro',
      reasoning:
        'Would scale up from db.t3.micro to db.t3.small: CPU 96% > 85%. Held back: the 15m cooldown runs until 2025-09-15T12:59:00Z.',
    },
  },
  {
    name: 'quiet but not yet for the window',
    reason: 'scale-down needs the conditions to hold for the whole window',
    given: {
      instanceClass: 'db.t3.small',
      demand: { cpuPercent: 3, freeableMemoryBytes: 1.6 * GiB, connections: 1 },
      annotations: { 'intelligent-scaling/quiet-since': minutesAgo(6) },
    },
    want: {
      verdict: 'NoChange',
      reasoning:
        'No change on db.t3.small: quiet for 6m of 15m (CPU 3% < 20%, free memory 80% > 60%, connections 0.7% < 30%).',
    },
  },
  {
    name: 'quiet for the window',
    reason: 'every scale-down condition held for 15 minutes, and the smaller class keeps headroom',
    given: {
      instanceClass: 'db.t3.medium',
      demand: { cpuPercent: 3, freeableMemoryBytes: 3.5 * GiB, connections: 1 },
      annotations: { 'intelligent-scaling/quiet-since': minutesAgo(16) },
    },
    want: {
      verdict: 'ScaleDown',
      toClass: 'db.t3.small',
      reasoning:
        'Scale down from db.t3.medium to db.t3.small: CPU 3% < 20%, free memory 87.5% > 60%, connections 0.3% < 30% for 15m.',
    },
  },
  {
    name: 'quiet, but the smaller class would be tight',
    reason: 'shrinking into a class where the same load trips a trigger would flap',
    given: {
      instanceClass: 'db.t3.small',
      demand: { cpuPercent: 3, freeableMemoryBytes: 1.22 * GiB, connections: 1 },
      annotations: { 'intelligent-scaling/quiet-since': minutesAgo(30) },
    },
    want: {
      verdict: 'NoChange',
      reasoning:
        'No change on db.t3.small: quiet, but on db.t3.micro the same load would give free memory 22% < 25%.',
    },
  },
  {
    name: 'quiet, but the load is growing',
    reason:
      'a slow leak that would overflow the smaller class within the hour blocks the scale-down',
    given: {
      instanceClass: 'db.t3.small',
      demand: { cpuPercent: 3, freeableMemoryBytes: 1.4 * GiB, connections: 1 },
      annotations: {
        'intelligent-scaling/quiet-since': minutesAgo(16),
        'intelligent-scaling/quiet-load': `cpu=3,free=${1.46 * GiB},connections=1`,
      },
    },
    want: {
      verdict: 'NoChange',
      reasoning:
        'No change on db.t3.small: quiet, but on db.t3.micro the load growing as it has for 16m would give, within 1h, free memory 17.5% < 25%.',
    },
  },
  {
    name: 'quiet at the bottom',
    reason: 'never past the lowest class',
    given: { demand: quiet, annotations: { 'intelligent-scaling/quiet-since': minutesAgo(30) } },
    want: {
      verdict: 'NoChange',
      reasoning:
        'No change: quiet for 15m (CPU 3% < 20%, free memory 80% > 60%, connections 1.6% < 30%), but "db.t3.micro" is the smallest class allowed.',
    },
  },
  {
    name: 'connections unknown for an unknown engine',
    reason: 'scale-down needs all three figures',
    given: {
      instanceClass: 'db.t3.small',
      engine: 'oracle',
      demand: { cpuPercent: 3, freeableMemoryBytes: 1.6 * GiB, connections: 1 },
      annotations: { 'intelligent-scaling/quiet-since': minutesAgo(30) },
    },
    want: {
      verdict: 'NoChange',
      reasoning:
        'No change on db.t3.small: CPU 3%, free memory 80% are within the thresholds (not quiet; connections unknown).',
    },
  },
  {
    name: 'recommend-only',
    reason: 'the decision is written, the class is not changed',
    given: { demand: busyCpu, policy: { recommendOnly: true } },
    want: { verdict: 'ScaleUp', toClass: 'db.t3.micro', recommendedClass: 'db.t3.small' },
  },
];

describe('decide', () => {
  test.each([...skips, ...analyses])(
    '$name: $reason',
    async ({ given, want, keepsAnnotations }) => {
      const decision = await run(given);
      expect(decision).toMatchObject(want);
      expect(decision.state === undefined).toBe(keepsAnnotations === true);
    },
  );

  test('a scale-up writes the whole next state', async () => {
    const decision = await run({
      demand: busyCpu,
      annotations: {
        'intelligent-scaling/quiet-since': minutesAgo(40),
        'intelligent-scaling/last-analyzed': minutesAgo(6),
      },
    });
    expect(decision.state).toEqual({
      lastAnalyzed: NOW,
      lastScaled: NOW,
      lastDecision: 'Scale up from db.t3.micro to db.t3.small: CPU 96% > 85%.',
      lastVerdict: 'ScaleUp',
      lastTriggers: ['cpu'],
      decidedBy: 'rules',
    });
  });

  test('a scale-down still being applied is a wait, not contradictory metrics', async () => {
    const decision = await run({
      instanceClass: 'db.t3.small',
      reportedClass: 'db.t3.medium',
      demand: { cpuPercent: 3, freeableMemoryBytes: 3 * GiB, connections: 1 },
      annotations: { 'intelligent-scaling/last-scaled': minutesAgo(5) },
    });
    expect(decision).toMatchObject({
      skipReason: 'PendingResize',
      reasoning:
        'Not analysed: a resize is still being applied: the RDS Instance reports "db.t3.medium", "db.t3.small" was asked for.',
    });
  });

  test('the first run that sees RDS on the new class records it, and waits', async () => {
    const decision = await run({
      instanceClass: 'db.t3.small',
      reportedClass: 'db.t3.small',
      demand: busyCpu,
      annotations: { 'intelligent-scaling/last-scaled': minutesAgo(10) },
    });
    expect(decision).toMatchObject({
      analyzed: false,
      stateChanged: true,
      skipReason: 'PendingResize',
      reasoning:
        'Not analysed: the RDS Instance now runs "db.t3.small"; waiting for metrics taken after 2025-09-15T12:54:00Z.',
      state: { resizeCompletedAt: NOW },
    });
    const later = await run({
      instanceClass: 'db.t3.small',
      reportedClass: 'db.t3.small',
      demand: busyCpu,
      annotations: {
        'intelligent-scaling/last-scaled': minutesAgo(10),
        'intelligent-scaling/resize-completed-at': minutesAgo(1),
      },
    });
    expect(later).toMatchObject({ skipReason: 'PendingResize' });
    expect(later.reasoning).toContain('predates the resize (2025-09-15T12:53:00Z)');
  });

  test('a quiet analysis starts the scale-down window and keeps it', async () => {
    const first = await run({
      instanceClass: 'db.t3.small',
      demand: { cpuPercent: 3, freeableMemoryBytes: 1.6 * GiB, connections: 1 },
    });
    expect(first.state?.quietSince).toEqual(NOW);
    const since = new Date(NOW.getTime() - 10 * 60_000);
    const later = await run({
      instanceClass: 'db.t3.small',
      demand: { cpuPercent: 3, freeableMemoryBytes: 1.6 * GiB, connections: 1 },
      annotations: { 'intelligent-scaling/quiet-since': minutesAgo(10) },
    });
    expect(later.state?.quietSince).toEqual(since);
    const busy = await run({
      instanceClass: 'db.t3.small',
      demand: { cpuPercent: 50, freeableMemoryBytes: 1.6 * GiB, connections: 1 },
      annotations: { 'intelligent-scaling/quiet-since': minutesAgo(10) },
    });
    expect(busy.state?.quietSince).toBeUndefined();
  });

  test('an analysis that cannot read the metrics breaks the scale-down window', async () => {
    const quietWindow = {
      'intelligent-scaling/last-analyzed': minutesAgo(5),
      'intelligent-scaling/quiet-since': minutesAgo(10),
      'intelligent-scaling/quiet-load': `cpu=3,free=${1.6 * GiB},connections=1`,
    };
    const outage = await run({
      instanceClass: 'db.t3.small',
      metrics: undefined,
      annotations: quietWindow,
    });
    expect(outage).toMatchObject({ skipReason: 'UnusableMetrics', stateChanged: true });
    expect(outage.state?.quietSince).toBeUndefined();
    expect(outage.state?.quietLoad).toBeUndefined();
    expect(outage.state?.lastAnalyzed).toEqual(new Date(NOW.getTime() - 5 * 60_000));
    const again = await run({
      instanceClass: 'db.t3.small',
      metrics: undefined,
      annotations: { 'intelligent-scaling/last-analyzed': minutesAgo(5) },
    });
    expect(again.stateChanged).toBeUndefined();
  });
});

function fixedAdvisor(answer: AdvisorAnswer): Advisor & { calls: number } {
  const advisor = {
    name: 'fake',
    calls: 0,
    advise: () => {
      advisor.calls += 1;
      return Promise.resolve(answer);
    },
  };
  return advisor;
}

function advice(decision: Advice['decision'], instanceClass: string): AdvisorAnswer {
  return {
    ok: true,
    advice: { decision, instanceClass, reasoning: `model says ${decision}` },
    decidedBy: 'claude/test',
  };
}

describe('decide with an advisor', () => {
  const table: Array<{
    name: string;
    reason: string;
    answer: AdvisorAnswer;
    want: Partial<Decision>;
  }> = [
    {
      name: 'agrees',
      reason: 'advice inside the envelope is applied, with its reasoning',
      answer: advice('ScaleUp', 'db.t3.small'),
      want: { toClass: 'db.t3.small', decidedBy: 'claude/test', reasoning: 'model says ScaleUp' },
    },
    {
      name: 'vetoes',
      reason: 'NoChange is always allowed',
      answer: advice('NoChange', 'db.t3.micro'),
      want: { verdict: 'NoChange', toClass: 'db.t3.micro', decidedBy: 'claude/test' },
    },
    {
      name: 'jumps two steps',
      reason: 'one step at a time',
      answer: advice('ScaleUp', 'db.t3.medium'),
      want: {
        toClass: 'db.t3.small',
        decidedBy: 'rules',
        refused: 'ScaleUp refused: "db.t3.medium" is 2 steps from "db.t3.micro"',
      },
    },
    {
      name: 'names an off-ladder class',
      reason: 'the class must be on the ladder',
      answer: advice('ScaleUp', 'db.r6g.16xlarge'),
      want: {
        toClass: 'db.t3.small',
        refused: 'ScaleUp refused: "db.r6g.16xlarge" is not on the ladder',
      },
    },
    {
      name: 'scales down under load',
      reason: 'ScaleDown only when the scale-down conditions held',
      answer: advice('ScaleDown', 'db.t3.micro'),
      want: {
        toClass: 'db.t3.small',
        refused:
          'ScaleDown refused: the scale-down conditions have not held for the window or no smaller class is allowed',
      },
    },
    {
      name: 'fails',
      reason: 'an advisor failure falls back to the rules',
      answer: { ok: false, cause: 'timeout', detail: 'no answer within 20s' },
      want: {
        toClass: 'db.t3.small',
        decidedBy: 'rules',
        fallback: { cause: 'timeout', detail: 'no answer within 20s' },
      },
    },
  ];

  test.each(table)('$name: $reason', async ({ answer, want }) => {
    const advisor = fixedAdvisor(answer);
    const decision = await run({ demand: busyCpu, advisor });
    expect(decision).toMatchObject(want);
    expect(advisor.calls).toBe(1);
  });

  test('a veto is remembered with the question it answered', async () => {
    const advisor = fixedAdvisor(advice('NoChange', 'db.t3.micro'));
    const decision = await run({ demand: busyCpu, advisor });
    expect(decision.state?.advice).toEqual({
      question: 'ScaleUp db.t3.small',
      answer: 'NoChange',
      at: NOW,
      count: 1,
      by: 'claude/test',
      triggers: ['cpu'],
    });
  });

  const vetoed = (minutes: number, count: number, seen = 'cpu') => ({
    'intelligent-scaling/last-analyzed': minutesAgo(minutes),
    'intelligent-scaling/last-triggers': seen,
    'intelligent-scaling/advice-triggers': seen,
    'intelligent-scaling/advice-for': 'ScaleUp db.t3.small by claude/test',
    'intelligent-scaling/advice': 'NoChange',
    'intelligent-scaling/advised-at': minutesAgo(minutes),
    'intelligent-scaling/advice-count': String(count),
  });

  test.each([
    {
      name: 'within one interval',
      reason: 'a standing answer is never asked again within the analysis interval',
      annotations: vetoed(3, 1, ''),
      calls: 0,
    },
    {
      name: 'within the hold, nothing new',
      reason: 'a first veto stands for two intervals while the picture is the same',
      annotations: vetoed(8, 1),
      calls: 0,
    },
    {
      name: 'within the hold, a new trigger',
      reason: 'a trigger the veto did not see is worth asking about after one interval',
      annotations: vetoed(8, 1, ''),
      calls: 1,
    },
    {
      name: 'after the hold',
      reason: 'a first veto is asked again after two intervals',
      annotations: vetoed(11, 1),
      calls: 1,
    },
    {
      name: 'a repeated veto holds longer',
      reason: 'the hold doubles with each identical answer: 20 minutes after the second',
      annotations: vetoed(19, 2),
      calls: 0,
    },
    {
      name: 'the hold is capped',
      reason: 'even a model that always vetoes is asked again after twelve intervals',
      annotations: vetoed(61, 9),
      calls: 1,
    },
  ])('a standing veto, $name: $reason', async ({ annotations, calls }) => {
    const advisor = fixedAdvisor(advice('NoChange', 'db.t3.micro'));
    const decision = await run({ demand: busyCpu, annotations, advisor });
    expect(advisor.calls).toBe(calls);
    expect(decision).toMatchObject({
      analyzed: true,
      verdict: 'NoChange',
      decidedBy: 'claude/test',
    });
  });

  test('a standing veto says when the model is asked again', async () => {
    const decision = await run({
      demand: busyCpu,
      annotations: vetoed(8, 1),
      advisor: fixedAdvisor(advice('NoChange', 'db.t3.micro')),
    });
    expect(decision.reasoning).toBe(
      'Scale up from db.t3.micro to db.t3.small: CPU 96% > 85%. Held back: claude/test declined this at 2025-09-15T12:46:00Z; it is asked again after 2025-09-15T12:56:00Z.',
    );
    expect(decision.state?.advice?.count).toBe(1);
  });

  test('a second identical veto doubles the hold', async () => {
    const decision = await run({
      demand: busyCpu,
      annotations: vetoed(11, 1),
      advisor: fixedAdvisor(advice('NoChange', 'db.t3.micro')),
    });
    expect(decision.state?.advice).toMatchObject({ count: 2, at: NOW });
  });

  test('a resize forgets the remembered answer', async () => {
    const decision = await run({
      demand: busyCpu,
      annotations: vetoed(11, 1),
      advisor: fixedAdvisor(advice('ScaleUp', 'db.t3.small')),
    });
    expect(decision.toClass).toBe('db.t3.small');
    expect(decision.state?.advice).toBeUndefined();
  });

  test('the rules remember nothing', async () => {
    const decision = await run({ demand: busyCpu, annotations: vetoed(8, 1) });
    expect(decision).toMatchObject({ toClass: 'db.t3.small', decidedBy: 'rules' });
  });

  test.each([
    { name: 'no trigger', given: { demand: quiet } },
    {
      name: 'cooldown',
      given: { demand: busyCpu, annotations: { 'intelligent-scaling/last-scaled': minutesAgo(5) } },
    },
    {
      name: 'rate limit',
      given: {
        demand: busyCpu,
        annotations: {
          'intelligent-scaling/last-analyzed': minutesAgo(1),
          'intelligent-scaling/last-triggers': 'cpu',
        },
      },
    },
    { name: 'pending resize', given: { demand: busyCpu, reportedClass: 'db.t3.small' } },
  ])('the advisor is not asked when nothing can change: $name', async ({ given }) => {
    const advisor = fixedAdvisor(advice('ScaleUp', 'db.t3.small'));
    await run({ ...given, advisor });
    expect(advisor.calls).toBe(0);
  });
});
