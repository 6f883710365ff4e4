/**
 * readInput: every default, the demo's input unchanged, and the exact message for each way an
 * input can be wrong.
 */
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';

import type { Input } from '../../src/input/prompt.js';
import {
  INPUT_CACHE_ENTRIES,
  INPUT_CACHE_MAX_JSON_LENGTH,
  readInput,
} from '../../src/input/read-input.js';
import type { InputReading } from '../../src/input/read-input.js';
import type { Policy } from '../../src/scaling/policy.js';

interface Row {
  name: string;
  reason: string;
  given: Record<string, unknown> | undefined;
  want: InputReading;
}

const defaultPolicy: Policy = {
  scaleUp: { cpuPercent: 85, freeMemoryPercent: 15, connectionsPercent: 85 },
  scaleDown: { cpuPercent: 20, freeMemoryPercent: 60, connectionsPercent: 30 },
  ladder: ['db.t3.micro', 'db.t3.small', 'db.t3.medium', 'db.t3.large'],
  minInstanceClass: 'db.t3.micro',
  maxInstanceClass: 'db.t3.large',
  analysisIntervalSeconds: 300,
  cooldownSeconds: 900,
  scaleDownWindowSeconds: 900,
  maxMetricsAgeSeconds: 900,
  targets: [
    { apiGroup: 'aws.platform.upbound.io', kind: 'XSQLInstance' },
    { apiGroup: 'aws.platform.upbound.io', kind: 'SQLInstance' },
  ],
  recommendOnly: false,
};

const defaults: Input = {
  prompt: { modelName: 'claude-haiku-4-5' },
  policy: defaultPolicy,
  advisor: { timeoutSeconds: 20 },
};

/** accepted is the reading of an input that differs from every default only in `policy`. */
function accepted(policy: Partial<Policy>): InputReading {
  return { ok: true, input: { ...defaults, policy: { ...defaultPolicy, ...policy } } };
}

function rejected(problems: string): InputReading {
  return { ok: false, message: `cannot read input: ${problems}` };
}

/** withSpec is an input of this function's own apiVersion with the given spec. */
function withSpec(spec: Record<string, unknown>): Record<string, unknown> {
  return { apiVersion: 'intelligentscaling.fn.crossplane.io/v1alpha1', kind: 'Prompt', spec };
}

// The demo's input exactly as configuration-aws-database-ai writes it.
const demoPrompt = `
apiVersion: claude.fn.upbound.io/v1alpha1
kind: Prompt
systemPrompt: |
  You are an intelligent RDS scaling system that analyzes XSQLInstance resources
  and makes scaling decisions based on CloudWatch performance metrics.
userPrompt: |
  You are analyzing an XSQLInstance resource for potential RDS scaling needs.
  {{ .Resources }}
`;

function yamlObject(text: string): Record<string, unknown> {
  const value: unknown = parse(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error('test YAML is not a mapping');
  }
  return Object.fromEntries(Object.entries(value));
}

const acceptedRows: Row[] = [
  {
    name: 'no input',
    reason: 'A step without an input block gets every default.',
    given: undefined,
    want: { ok: true, input: defaults },
  },
  {
    name: 'empty input',
    reason: 'An empty input block is no input: every default, apiVersion and kind not required.',
    given: {},
    want: { ok: true, input: defaults },
  },
  {
    name: "the demo's Prompt",
    reason: "The public demo's function-claude input must work unchanged, with every default.",
    given: yamlObject(demoPrompt),
    want: {
      ok: true,
      input: {
        ...defaults,
        prompt: {
          systemPrompt:
            'You are an intelligent RDS scaling system that analyzes XSQLInstance resources\n' +
            'and makes scaling decisions based on CloudWatch performance metrics.\n',
          userPrompt:
            'You are analyzing an XSQLInstance resource for potential RDS scaling needs.\n' +
            '{{ .Resources }}\n',
          modelName: 'claude-haiku-4-5',
        },
      },
    },
  },
  {
    name: 'own apiVersion, metadata and model name',
    reason: "This function's own group is accepted, metadata is ignored, modelName is kept.",
    given: {
      apiVersion: 'intelligentscaling.fn.crossplane.io/v1alpha1',
      kind: 'Prompt',
      metadata: { name: 'scaling', labels: { team: 'db' } },
      modelName: 'claude-sonnet-4-5',
    },
    want: { ok: true, input: { ...defaults, prompt: { modelName: 'claude-sonnet-4-5' } } },
  },
  {
    name: 'empty model name',
    reason: "The demo's Go input omits an empty modelName, which then means the default model.",
    given: { apiVersion: 'claude.fn.upbound.io/v1alpha1', kind: 'Prompt', modelName: '' },
    want: { ok: true, input: defaults },
  },
  {
    name: 'empty spec',
    reason: 'An empty spec fills every policy default.',
    given: withSpec({}),
    want: { ok: true, input: defaults },
  },
  {
    name: 'one scale-up threshold',
    reason: 'A threshold given alone keeps the defaults of its siblings.',
    given: withSpec({ scaleUp: { cpuPercent: 90 } }),
    want: accepted({ scaleUp: { cpuPercent: 90, freeMemoryPercent: 15, connectionsPercent: 85 } }),
  },
  {
    name: 'every threshold',
    reason: 'Fractional percentages and the bounds 0 and 100 are valid.',
    given: withSpec({
      scaleUp: { cpuPercent: 100, freeMemoryPercent: 10.5, connectionsPercent: 90 },
      scaleDown: { cpuPercent: 0, freeMemoryPercent: 70, connectionsPercent: 25 },
    }),
    want: accepted({
      scaleUp: { cpuPercent: 100, freeMemoryPercent: 10.5, connectionsPercent: 90 },
      scaleDown: { cpuPercent: 0, freeMemoryPercent: 70, connectionsPercent: 25 },
    }),
  },
  {
    name: 'a ladder of other families',
    reason: 'min and max default to the first and last entry of the given ladder.',
    given: withSpec({ ladder: ['db.t4g.medium', 'db.m6g.large', 'db.r6g.xlarge'] }),
    want: accepted({
      ladder: ['db.t4g.medium', 'db.m6g.large', 'db.r6g.xlarge'],
      minInstanceClass: 'db.t4g.medium',
      maxInstanceClass: 'db.r6g.xlarge',
    }),
  },
  {
    name: 'min and max inside the ladder',
    reason: 'Bounds may narrow the default ladder.',
    given: withSpec({ minInstanceClass: 'db.t3.small', maxInstanceClass: 'db.t3.medium' }),
    want: accepted({ minInstanceClass: 'db.t3.small', maxInstanceClass: 'db.t3.medium' }),
  },
  {
    name: 'min equal to max',
    reason: 'A single allowed class pins the database; it is not an error.',
    given: withSpec({ minInstanceClass: 'db.t3.small', maxInstanceClass: 'db.t3.small' }),
    want: accepted({ minInstanceClass: 'db.t3.small', maxInstanceClass: 'db.t3.small' }),
  },
  {
    name: 'durations in every unit',
    reason: 'Go duration syntax: compound, fractional, milliseconds and a bare zero.',
    given: withSpec({
      analysisInterval: '1h30m',
      cooldown: '1.5h',
      scaleDownWindow: '0',
      maxMetricsAge: '90s',
      advisor: { timeout: '1500ms' },
    }),
    want: {
      ok: true,
      input: {
        ...defaults,
        policy: {
          ...defaultPolicy,
          analysisIntervalSeconds: 5400,
          cooldownSeconds: 5400,
          scaleDownWindowSeconds: 0,
          maxMetricsAgeSeconds: 90,
        },
        advisor: { timeoutSeconds: 1.5 },
      },
    },
  },
  {
    name: 'advisor timeout at its maximum',
    reason: "50s is the longest deadline that still beats Crossplane's one-minute budget.",
    given: withSpec({ advisor: { timeout: '50s' } }),
    want: { ok: true, input: { ...defaults, advisor: { timeoutSeconds: 50 } } },
  },
  {
    name: 'targets and recommendOnly',
    reason: 'Given targets replace the default list; recommendOnly is kept.',
    given: withSpec({
      targets: [{ apiGroup: 'example.org', kind: 'XDatabase' }],
      recommendOnly: true,
    }),
    want: accepted({
      targets: [{ apiGroup: 'example.org', kind: 'XDatabase' }],
      recommendOnly: true,
    }),
  },
];

const rejectedRows: Row[] = [
  {
    name: 'wrong apiVersion',
    reason: "Only the demo group and this function's own group are accepted.",
    given: { apiVersion: 'x/v1', kind: 'Prompt' },
    want: rejected(
      'apiVersion: expected one of "claude.fn.upbound.io/v1alpha1", ' +
        '"intelligentscaling.fn.crossplane.io/v1alpha1", got "x/v1"',
    ),
  },
  {
    name: 'wrong kind',
    reason: 'The kind is Prompt in both groups.',
    given: { apiVersion: 'claude.fn.upbound.io/v1alpha1', kind: 'Resources' },
    want: rejected('kind: expected "Prompt", got "Resources"'),
  },
  {
    name: 'apiVersion and kind missing',
    reason: 'A non-empty input must say what it is.',
    given: { spec: {} },
    want: rejected('apiVersion: is required; kind: is required'),
  },
  {
    name: 'wrong type',
    reason: 'A percentage written as a string is not silently converted.',
    given: withSpec({ scaleUp: { cpuPercent: '90' } }),
    want: rejected('spec.scaleUp.cpuPercent: expected number, got string'),
  },
  {
    name: 'spec of the wrong type',
    reason: 'The type of an object or array is named, never its contents.',
    given: withSpec({ ladder: { first: 'db.t3.micro' }, recommendOnly: 'yes' }),
    want: rejected(
      'spec.ladder: expected array, got object; spec.recommendOnly: expected boolean, got string',
    ),
  },
  {
    name: 'unknown top-level field',
    reason: 'A misspelt field is an error, not a silently ignored setting.',
    given: { apiVersion: 'claude.fn.upbound.io/v1alpha1', kind: 'Prompt', modelname: 'x' },
    want: rejected('modelname: unknown field'),
  },
  {
    name: 'unknown nested fields',
    reason: 'Each unknown field is named with its full path.',
    given: withSpec({ foo: 1, scaleUp: { cpu: 90 }, 'odd.key': true }),
    want: rejected(
      'spec.scaleUp.cpu: unknown field; spec.foo: unknown field; spec["odd.key"]: unknown field',
    ),
  },
  {
    name: 'percent above 100',
    reason: 'A percentage lies in 0..100.',
    given: withSpec({ scaleUp: { connectionsPercent: 120 } }),
    want: rejected('spec.scaleUp.connectionsPercent: 120 is above the maximum 100'),
  },
  {
    name: 'percent below 0',
    reason: 'A percentage lies in 0..100.',
    given: withSpec({ scaleDown: { cpuPercent: -1 } }),
    want: rejected('spec.scaleDown.cpuPercent: -1 is below the minimum 0'),
  },
  {
    name: 'empty ladder',
    reason: 'There is nothing to scale along.',
    given: withSpec({ ladder: [] }),
    want: rejected('spec.ladder: must not be empty'),
  },
  {
    name: 'ladder repeats a class',
    reason: 'A repeated class makes a step that changes nothing; it is named once.',
    given: withSpec({ ladder: ['db.t3.small', 'db.t3.medium', 'db.t3.small', 'db.t3.small'] }),
    want: rejected('spec.ladder: must not repeat "db.t3.small"'),
  },
  {
    name: 'unknown ladder class',
    reason: 'A class the function has no capacity figures for cannot be reasoned about.',
    given: withSpec({ ladder: ['db.t3.micro', 'db.t3.small', 'db.x9.huge'] }),
    want: rejected('spec.ladder[2]: unknown instance class "db.x9.huge"'),
  },
  {
    name: 'min not on the ladder',
    reason: 'Bounds are ladder positions.',
    given: withSpec({ minInstanceClass: 'db.r5.large' }),
    want: rejected('spec.minInstanceClass: "db.r5.large" is not on spec.ladder'),
  },
  {
    name: 'max not on the ladder',
    reason: 'Bounds are ladder positions.',
    given: withSpec({ maxInstanceClass: 'db.t3.xlarge' }),
    want: rejected('spec.maxInstanceClass: "db.t3.xlarge" is not on spec.ladder'),
  },
  {
    name: 'min above max',
    reason: 'No class would satisfy both bounds.',
    given: withSpec({ minInstanceClass: 'db.t3.large', maxInstanceClass: 'db.t3.small' }),
    want: rejected(
      'spec.minInstanceClass: "db.t3.large" is above spec.maxInstanceClass "db.t3.small"',
    ),
  },
  {
    name: 'negative duration',
    reason: 'Go accepts "-5m"; a negative cooldown means nothing here.',
    given: withSpec({ cooldown: '-5m' }),
    want: rejected('spec.cooldown: "-5m" is negative'),
  },
  {
    name: 'unparseable duration',
    reason: 'Durations use Go syntax, not prose.',
    given: withSpec({ scaleDownWindow: '5 minutes' }),
    want: rejected(
      'spec.scaleDownWindow: "5 minutes" is not a duration such as "30s", "5m" or "1h30m"',
    ),
  },
  {
    name: 'duration as a number',
    reason: 'A bare number has no unit; Kubernetes durations are strings.',
    given: withSpec({ cooldown: 900 }),
    want: rejected('spec.cooldown: expected string, got number'),
  },
  {
    name: 'duration beyond the range Go allows',
    reason: 'Go rejects durations past about 292 years.',
    given: withSpec({ cooldown: '9999999h' }),
    want: rejected('spec.cooldown: "9999999h" is longer than a duration can be'),
  },
  {
    name: 'zero analysis interval',
    reason: 'Every call would analyse again.',
    given: withSpec({ analysisInterval: '0s' }),
    want: rejected('spec.analysisInterval: "0s" must be longer than zero'),
  },
  {
    name: 'zero metrics age',
    reason: 'Every metric would be stale, so the function could never act.',
    given: withSpec({ maxMetricsAge: '0' }),
    want: rejected('spec.maxMetricsAge: "0" must be longer than zero'),
  },
  {
    name: 'zero advisor timeout',
    reason: 'The model could never answer.',
    given: withSpec({ advisor: { timeout: '0s' } }),
    want: rejected('spec.advisor.timeout: "0s" must be longer than zero'),
  },
  {
    name: 'advisor timeout above 50s',
    reason: "A reply must beat Crossplane's one-minute budget.",
    given: withSpec({ advisor: { timeout: '1m' } }),
    want: rejected('spec.advisor.timeout: "1m" is longer than the maximum "50s"'),
  },
  {
    name: 'scale-down CPU not below scale-up CPU',
    reason: 'A database could qualify for both directions at once.',
    given: withSpec({ scaleUp: { cpuPercent: 50 }, scaleDown: { cpuPercent: 50 } }),
    want: rejected('spec.scaleDown.cpuPercent: 50 must be below spec.scaleUp.cpuPercent 50'),
  },
  {
    name: 'scale-down free memory not above scale-up free memory',
    reason: 'A database could qualify for both directions at once.',
    given: withSpec({ scaleDown: { freeMemoryPercent: 10 } }),
    want: rejected(
      'spec.scaleDown.freeMemoryPercent: 10 must be above spec.scaleUp.freeMemoryPercent 15',
    ),
  },
  {
    name: 'scale-down connections not below scale-up connections',
    reason: 'A database could qualify for both directions at once.',
    given: withSpec({ scaleUp: { connectionsPercent: 25 } }),
    want: rejected(
      'spec.scaleDown.connectionsPercent: 30 must be below spec.scaleUp.connectionsPercent 25',
    ),
  },
  {
    name: 'bad targets',
    reason: 'A target needs a group and a kind and nothing else.',
    given: withSpec({
      targets: [
        { apiGroup: '', kind: 'XSQLInstance' },
        { apiGroup: 'a', x: 1 },
      ],
    }),
    want: rejected(
      'spec.targets[0].apiGroup: must not be empty; spec.targets[1].kind: is required; ' +
        'spec.targets[1].x: unknown field',
    ),
  },
  {
    name: 'empty targets',
    reason: 'An Operation with no target kinds could never resize anything.',
    given: withSpec({ targets: [] }),
    want: rejected('spec.targets: must not be empty'),
  },
  {
    name: 'metadata of the wrong type',
    reason: 'metadata is ignored, but it must still be an object.',
    given: { apiVersion: 'claude.fn.upbound.io/v1alpha1', kind: 'Prompt', metadata: 'x' },
    want: rejected('metadata: expected object, got string'),
  },
  {
    name: 'long value',
    reason: 'A message quotes at most 60 characters of a value, never a whole prompt.',
    given: { apiVersion: 'a'.repeat(500), kind: 'Prompt' },
    want: rejected(
      'apiVersion: expected one of "claude.fn.upbound.io/v1alpha1", ' +
        `"intelligentscaling.fn.crossplane.io/v1alpha1", got "${'a'.repeat(60)}..."`,
    ),
  },
  {
    name: 'exactly three problems',
    reason: 'Three problems are all listed, with no "and 0 more".',
    given: withSpec({ cooldown: '-1s', scaleDownWindow: '-2s', maxMetricsAge: '-3s' }),
    want: rejected(
      'spec.cooldown: "-1s" is negative; spec.scaleDownWindow: "-2s" is negative; ' +
        'spec.maxMetricsAge: "-3s" is negative',
    ),
  },
  {
    name: 'more than three problems',
    reason: 'At most three problems are listed, then how many more there are.',
    given: {
      apiVersion: 'x/v1',
      kind: 'Foo',
      extra: true,
      spec: { scaleUp: { cpuPercent: 'high' }, ladder: [], cooldown: '-5m' },
    },
    want: rejected(
      'apiVersion: expected one of "claude.fn.upbound.io/v1alpha1", ' +
        '"intelligentscaling.fn.crossplane.io/v1alpha1", got "x/v1"; ' +
        'kind: expected "Prompt", got "Foo"; ' +
        'spec.scaleUp.cpuPercent: expected number, got string; and 3 more',
    ),
  },
];

describe('readInput', () => {
  test.each(acceptedRows)('accepts $name', ({ reason, given, want }) => {
    expect(readInput(given), reason).toEqual(want);
  });

  test.each(rejectedRows)('rejects $name', ({ reason, given, want }) => {
    expect(readInput(given), reason).toEqual(want);
  });

  test('shares one frozen reading of the same input, so no caller can change another', () => {
    const first = readInput(withSpec({ cooldown: '20m' }));
    const second = readInput(withSpec({ cooldown: '20m' }));
    if (!first.ok) throw new Error('the input must be accepted');
    expect(second).toBe(first);
    expect(Object.isFrozen(first.input.policy.ladder)).toBe(true);
    expect(Object.isFrozen(first.input.policy.scaleUp)).toBe(true);
    expect(() => {
      (first.input.policy.ladder as string[]).push('db.t3.xlarge');
    }).toThrow(TypeError);
  });

  test('forgets the least recently used input beyond its capacity', () => {
    const kept = withSpec({ cooldown: '21m' });
    const evicted = withSpec({ cooldown: '22m' });
    const keptReading = readInput(kept);
    const evictedReading = readInput(evicted);
    for (let i = 0; i < INPUT_CACHE_ENTRIES - 1; i++) {
      readInput(kept);
      readInput(withSpec({ cooldown: `${100 + i}m` }));
    }
    expect(readInput(kept)).toBe(keptReading);
    const again = readInput(evicted);
    expect(again).not.toBe(evictedReading);
    expect(again).toEqual(evictedReading);
  });

  test('reads an input changed after it was read anew, and not one only reordered', () => {
    const given = withSpec({ cooldown: '23m' });
    const first = readInput(given);
    const reordered = Object.fromEntries(Object.entries(given).reverse());
    expect(readInput(reordered)).toBe(first);
    (given['spec'] as Record<string, unknown>)['cooldown'] = '24m';
    const changed = readInput(given);
    expect(changed).not.toBe(first);
    expect(changed.ok && changed.input.policy.cooldownSeconds).toBe(24 * 60);
  });

  test('does not remember an input longer than its limit', () => {
    const long = { ...withSpec({}), systemPrompt: 'x'.repeat(INPUT_CACHE_MAX_JSON_LENGTH) };
    const first = readInput(long);
    expect(first.ok).toBe(true);
    expect(readInput(long)).not.toBe(first);
    expect(readInput(long)).toEqual(first);
  });
});
