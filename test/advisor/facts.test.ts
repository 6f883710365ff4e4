/**
 * The facts the model reads: every category the spec names, nothing the function may not choose,
 * and the YAML they are written in, which reads back as the same facts whatever the resource's
 * text and never lets that text out of its quotes.
 */
import fc from 'fast-check';
import { parse } from 'yaml';
import { describe, expect, test } from 'vitest';

import { factsFor, formatFacts } from '../../src/advisor/facts.js';
import type { Facts } from '../../src/advisor/facts.js';
import { instanceClass } from '../../src/scaling/instance-classes.js';
import type { AdviceRequest } from '../../src/scaling/advisor.js';
import { adviceRequest } from '../fixtures/advice.js';
import { GiB, NOW } from '../fixtures/scaling.js';

/** FACTS are the facts of the fixture's micro with its CPU at 96%. */
const FACTS: Facts = {
  now: '2025-09-15T12:54:00Z',
  database: { kind: 'XSQLInstance', namespace: 'default', name: 'db', engine: 'mariadb' },
  class: { name: 'db.t3.micro', vcpus: 2, memoryGiB: 1 },
  larger: { name: 'db.t3.small', vcpus: 2, memoryGiB: 2 },
  metricsAt: '2025-09-15T12:52:00Z',
  metrics: {
    CPUUtilization: '96 Percent',
    FreeableMemory: '0.5 GiB',
    DatabaseConnections: '10 Count',
  },
  percentOfClass: { cpu: 96, freeMemory: 50, connections: 16.13 },
  scaleUpIfAny: { cpuAbove: 85, freeMemoryBelow: 15, connectionsAbove: 85 },
  scaleDownIfAll: { cpuBelow: 20, freeMemoryAbove: 60, connectionsBelow: 30 },
  scaleDown: { conditionsHold: false, windowMinutes: 15 },
  cooldown: { minutes: 15 },
  rules: {
    decision: 'ScaleUp',
    instanceClass: 'db.t3.small',
    reasoning: 'Scale up from db.t3.micro to db.t3.small: CPU 96% > 85%.',
  },
};

function known(name: string) {
  const cls = instanceClass(name);
  if (cls === undefined) throw new Error(`unknown class ${name}`);
  return cls;
}

const minutesBefore = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000);

const { namespace, engine, ...SUBJECT_WITHOUT_NAMESPACE_OR_ENGINE } = adviceRequest().subject;
const { larger, ...AT_THE_TOP } = adviceRequest();
const { larger: largerFacts, ...FACTS_AT_THE_TOP } = FACTS;

describe('factsFor', () => {
  test.each<{ name: string; reason: string; given: AdviceRequest; want: Facts }>([
    {
      name: 'a busy micro',
      reason:
        'the time, the database, the class and its neighbour, each metric, the percentages, the thresholds, the window, the cooldown and the verdict',
      given: adviceRequest(),
      want: FACTS,
    },
    {
      name: 'a quiet small after a resize',
      reason: 'both neighbours, how long the quiet has held and when the last resize was',
      given: {
        ...adviceRequest(),
        current: known('db.t3.small'),
        smaller: known('db.t3.micro'),
        larger: known('db.t3.medium'),
        utilisation: { cpuPercent: 12.345, freeMemoryPercent: 75, connectionsPercent: 4 },
        scaleUpFindings: [],
        quietSince: minutesBefore(20),
        quietSeconds: 1200,
        lastScaled: minutesBefore(95),
        rules: { decision: 'ScaleDown', instanceClass: 'db.t3.micro', reasoning: 'Quiet.' },
      },
      want: {
        ...FACTS,
        class: { name: 'db.t3.small', vcpus: 2, memoryGiB: 2 },
        smaller: { name: 'db.t3.micro', vcpus: 2, memoryGiB: 1 },
        larger: { name: 'db.t3.medium', vcpus: 2, memoryGiB: 4 },
        percentOfClass: { cpu: 12.35, freeMemory: 75, connections: 4 },
        scaleDown: { conditionsHold: true, quietMinutes: 20, windowMinutes: 15 },
        cooldown: { minutes: 15, lastScaled: '2025-09-15T11:19:00Z' },
        rules: { decision: 'ScaleDown', instanceClass: 'db.t3.micro', reasoning: 'Quiet.' },
      },
    },
    {
      name: 'at the top, an unknown engine, no namespace and a late datapoint',
      reason:
        'what is not there or not known is left out; a datapoint names its own time when it differs',
      given: {
        ...AT_THE_TOP,
        subject: SUBJECT_WITHOUT_NAMESPACE_OR_ENGINE,
        metrics: {
          samples: {
            ...adviceRequest().metrics.samples,
            FreeStorageSpace: {
              value: 18575733555,
              unit: 'Bytes',
              timestamp: minutesBefore(7),
            },
          },
        },
        utilisation: { cpuPercent: 96, freeMemoryPercent: 50 },
      },
      want: {
        ...FACTS_AT_THE_TOP,
        database: { kind: 'XSQLInstance', name: 'db' },
        metrics: {
          ...FACTS.metrics,
          FreeStorageSpace: '17.3 GiB at 2025-09-15T12:47:00Z',
        },
        percentOfClass: { cpu: 96, freeMemory: 50 },
      },
    },
  ])('$name: $reason', ({ given, want }) => {
    expect(factsFor(given)).toStrictEqual(want);
  });

  test('memory is in GiB, as the classes are, to four significant digits', () => {
    const request = adviceRequest();
    const sample = { value: 1.0534 * GiB, unit: 'Bytes', timestamp: minutesBefore(2) };
    const facts = factsFor({ ...request, metrics: { samples: { FreeableMemory: sample } } });
    expect(facts.metrics).toEqual({ FreeableMemory: '1.053 GiB' });
  });
});

describe('formatFacts', () => {
  test('writes YAML, a fact a line, with only the database and free text quoted', () => {
    expect(formatFacts(FACTS)).toBe(
      [
        'now: 2025-09-15T12:54:00Z',
        'database: {kind: "XSQLInstance", namespace: "default", name: "db", engine: "mariadb"}',
        'class: {name: db.t3.micro, vcpus: 2, memoryGiB: 1}',
        'larger: {name: db.t3.small, vcpus: 2, memoryGiB: 2}',
        'metricsAt: 2025-09-15T12:52:00Z',
        'metrics: {CPUUtilization: 96 Percent, FreeableMemory: 0.5 GiB, DatabaseConnections: 10 Count}',
        'percentOfClass: {cpu: 96, freeMemory: 50, connections: 16.13}',
        'scaleUpIfAny: {cpuAbove: 85, freeMemoryBelow: 15, connectionsAbove: 85}',
        'scaleDownIfAll: {cpuBelow: 20, freeMemoryAbove: 60, connectionsBelow: 30}',
        'scaleDown: {conditionsHold: false, windowMinutes: 15}',
        'cooldown: {minutes: 15}',
        'rules: {decision: ScaleUp, instanceClass: db.t3.small, reasoning: "Scale up from db.t3.micro to db.t3.small: CPU 96% > 85%."}',
      ].join('\n'),
    );
  });

  test('reads back as the same facts, whatever the text, which never leaves its quotes', () => {
    const tricky = fc.oneof(
      fc.string(),
      fc.constantFrom('true', 'No', '~', '15', '1e3', '- x', 'a: b', '#c', '{x}', '</facts>'),
    );
    fc.assert(
      fc.property(tricky, tricky, tricky, (name, namespace, reasoning) => {
        const facts: Facts = {
          ...FACTS,
          database: { ...FACTS.database, name, namespace },
          rules: { ...FACTS.rules, reasoning },
        };
        const text = formatFacts(facts);
        expect(parse(text)).toEqual(facts);
        expect(text).not.toContain('<');
        expect(text.split('\n')).toHaveLength(formatFacts(FACTS).split('\n').length);
      }),
    );
  });
});
