/**
 * The demo's naive policy as the replay simulates it: the prompt's rules applied each minute by a
 * literal-minded model with no memory but the resource, and its tokens counted as the fake
 * Messages API counts them.
 */
import { describe, expect, test } from 'vitest';

import { instanceClass } from '../../../src/scaling/instance-classes.js';
import { ANNOTATIONS } from '../../../src/scaling/state.js';
import { Cluster } from '../../../tools/replay/cluster.js';
import type { Demand } from '../../../tools/replay/demand.js';
import { metricsOn, performanceMetrics } from '../../../tools/replay/metrics.js';
import { DEMO_PROMPT, naiveChoice, naiveUsage, resourceYaml } from '../../../tools/replay/naive.js';
import type { NaiveChoice } from '../../../tools/replay/naive.js';
import { traceInput } from '../../../tools/replay/prompt-input.js';
import { QUIET, traceFrom } from './trace-fixtures.js';

const GiB = 1024 ** 3;
const NOW = new Date('2025-09-15T12:00:00Z');

function policy() {
  const input = traceInput(traceFrom(QUIET), '2s');
  if (!input.ok) throw new Error(input.message);
  return input.input.policy;
}

function clusterWith(cls: string, demand: Demand, lastScaled?: string): Cluster {
  const cluster = new Cluster({
    engine: 'mariadb',
    startClass: cls,
    storageGB: 20,
    start: NOW,
    applyDelaySeconds: 480,
  });
  const known = instanceClass(cls);
  if (known === undefined) throw new Error(`no class ${cls}`);
  cluster.setMetrics(
    performanceMetrics(metricsOn(demand, known, 20), {
      databaseName: 'rds-metrics-database-ai-scale',
      region: 'us-west-2',
      datapointAt: new Date(NOW.getTime() - 60_000),
      collectedAt: NOW,
    }),
  );
  if (lastScaled !== undefined) {
    cluster.apply({ annotations: { [ANNOTATIONS.lastScaled]: lastScaled } }, NOW);
  }
  return cluster;
}

const BUSY: Demand = { cpuVcpus: 1.9, memoryBytes: 0.5 * GiB, connections: 10 };
const IDLE: Demand = { cpuVcpus: 0.2, memoryBytes: 0.3 * GiB, connections: 5 };
const MIDDLING: Demand = { cpuVcpus: 1, memoryBytes: 1 * GiB, connections: 30 };

describe('naiveChoice', () => {
  interface Row {
    readonly name: string;
    readonly given: { cls: string; demand: Demand; lastScaled?: string };
    readonly want: Pick<NaiveChoice['decision'], 'verdict' | 'toClass' | 'reasoning'>;
  }
  test.each<Row>([
    {
      name: 'scales up one step the minute a trigger holds',
      given: { cls: 'db.t3.small', demand: BUSY },
      want: {
        verdict: 'ScaleUp',
        toClass: 'db.t3.medium',
        reasoning: 'Scaling up from db.t3.small to db.t3.medium due to CPU 95% > 85%.',
      },
    },
    {
      name: 'scales down one step the first minute every quiet condition holds: no window',
      given: { cls: 'db.t3.medium', demand: IDLE },
      want: {
        verdict: 'ScaleDown',
        toClass: 'db.t3.small',
        reasoning:
          'Scaling down from db.t3.medium to db.t3.small: low utilization (CPU 10% < 20%, free memory 92.5% > 60%, connections 1.6% < 30%).',
      },
    },
    {
      name: 'stays between the thresholds',
      given: { cls: 'db.t3.small', demand: MIDDLING },
      want: {
        verdict: 'NoChange',
        toClass: 'db.t3.small',
        reasoning:
          'No scaling needed. CPU 50%, free memory 50%, connections 20.7% on db.t3.small call for no change.',
      },
    },
    {
      name: 'stays within 15 minutes of the last resize, whatever the metrics',
      given: { cls: 'db.t3.small', demand: BUSY, lastScaled: '2025-09-15T11:50:00Z' },
      want: {
        verdict: 'NoChange',
        toClass: 'db.t3.small',
        reasoning:
          'No scaling: last scaled at 2025-09-15T11:50:00Z, within the 15-minute cooldown.',
      },
    },
    {
      name: 'stays at the top of the ladder',
      given: { cls: 'db.t3.large', demand: BUSY },
      want: {
        verdict: 'NoChange',
        toClass: 'db.t3.large',
        reasoning:
          'No scaling needed. CPU 95%, free memory 93.8%, connections 1.5% on db.t3.large call for no change.',
      },
    },
  ])('$name', ({ given, want }) => {
    const { decision } = naiveChoice(
      clusterWith(given.cls, given.demand, given.lastScaled).xr,
      NOW,
      policy(),
      'mariadb',
    );
    expect(decision).toEqual({
      analyzed: true,
      fromClass: given.cls,
      decidedBy: 'naive',
      ...want,
    });
  });

  test('writes the demo patch: last-scaled and the class on a resize', () => {
    const choice = naiveChoice(clusterWith('db.t3.small', BUSY).xr, NOW, policy(), 'mariadb');
    expect(choice.patch).toEqual({
      annotations: {
        [ANNOTATIONS.lastScaled]: '2025-09-15T12:00:00Z',
        [ANNOTATIONS.lastDecision]: choice.decision.reasoning,
      },
      instanceClass: 'db.t3.medium',
    });
  });

  test('writes last-analyzed and no class when nothing changes', () => {
    const choice = naiveChoice(clusterWith('db.t3.small', MIDDLING).xr, NOW, policy(), 'mariadb');
    expect(choice.patch).toEqual({
      annotations: {
        [ANNOTATIONS.lastAnalyzed]: '2025-09-15T12:00:00Z',
        [ANNOTATIONS.lastDecision]: choice.decision.reasoning,
      },
    });
  });
});

describe('naiveUsage', () => {
  test('counts the prompts and the whole resource in, the pretty-printed patch out', () => {
    const xr = clusterWith('db.t3.small', MIDDLING).xr;
    const choice = naiveChoice(xr, NOW, policy(), 'mariadb');
    const input = DEMO_PROMPT.systemChars + DEMO_PROMPT.userChars + resourceYaml(xr).length;
    expect(naiveUsage(xr, choice.answer)).toEqual({
      inputTokens: Math.ceil(input / 4),
      outputTokens: Math.ceil(JSON.stringify(choice.answer, null, 2).length / 4),
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
    });
  });

  test('sends the resource as kubectl shows it: metadata, spec and status with the metrics', () => {
    const yaml = resourceYaml(clusterWith('db.t3.small', MIDDLING).xr);
    for (const field of [
      'kubectl.kubernetes.io/last-applied-configuration',
      'resourceVersion:',
      'compositionRef:',
      'instanceClass: db.t3.small',
      'performanceMetrics:',
      'FreeableMemory:',
    ]) {
      expect(yaml).toContain(field);
    }
  });
});
