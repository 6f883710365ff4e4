/**
 * Thresholds: which figures trigger a scale-up, whether every scale-down condition holds (and
 * which figures are unknown), and the exact text a decision uses to say why.
 */
import { describe, expect, test } from 'vitest';

import type { Thresholds } from '../../src/scaling/policy.js';
import {
  describeFinding,
  describeUtilisation,
  scaleDownCheck,
  scaleUpFindings,
} from '../../src/scaling/thresholds.js';
import type { Finding, ScaleDownCheck } from '../../src/scaling/thresholds.js';
import type { Utilisation } from '../../src/scaling/utilisation.js';

// The demo prompt's limits, written out so a change of defaults cannot change these tests.
const up: Thresholds = { cpuPercent: 85, freeMemoryPercent: 15, connectionsPercent: 85 };
const down: Thresholds = { cpuPercent: 20, freeMemoryPercent: 60, connectionsPercent: 30 };

interface UpRow {
  readonly name: string;
  readonly reason: string;
  readonly given: Utilisation;
  readonly want: Finding[];
}

const ups: UpRow[] = [
  {
    name: 'all calm',
    reason: 'Every known figure is compared, holding or not, so a decision can cite them.',
    given: { cpuPercent: 40, freeMemoryPercent: 50, connectionsPercent: 10 },
    want: [
      { signal: 'cpu', value: 40, limit: 85, comparison: '>', holds: false },
      { signal: 'memory', value: 50, limit: 15, comparison: '<', holds: false },
      { signal: 'connections', value: 10, limit: 85, comparison: '>', holds: false },
    ],
  },
  {
    name: 'CPU hot',
    reason: 'CPU above the limit triggers.',
    given: { cpuPercent: 96, freeMemoryPercent: 50, connectionsPercent: 10 },
    want: [
      { signal: 'cpu', value: 96, limit: 85, comparison: '>', holds: true },
      { signal: 'memory', value: 50, limit: 15, comparison: '<', holds: false },
      { signal: 'connections', value: 10, limit: 85, comparison: '>', holds: false },
    ],
  },
  {
    name: 'memory short',
    reason: 'Free memory below the limit triggers.',
    given: { cpuPercent: 40, freeMemoryPercent: 10, connectionsPercent: 10 },
    want: [
      { signal: 'cpu', value: 40, limit: 85, comparison: '>', holds: false },
      { signal: 'memory', value: 10, limit: 15, comparison: '<', holds: true },
      { signal: 'connections', value: 10, limit: 85, comparison: '>', holds: false },
    ],
  },
  {
    name: 'connections near the maximum',
    reason: 'Connections above the limit trigger.',
    given: { cpuPercent: 40, freeMemoryPercent: 50, connectionsPercent: 90 },
    want: [
      { signal: 'cpu', value: 40, limit: 85, comparison: '>', holds: false },
      { signal: 'memory', value: 50, limit: 15, comparison: '<', holds: false },
      { signal: 'connections', value: 90, limit: 85, comparison: '>', holds: true },
    ],
  },
  {
    name: 'everything at once',
    reason: 'Each trigger is reported, not just the first.',
    given: { cpuPercent: 100, freeMemoryPercent: 2, connectionsPercent: 99 },
    want: [
      { signal: 'cpu', value: 100, limit: 85, comparison: '>', holds: true },
      { signal: 'memory', value: 2, limit: 15, comparison: '<', holds: true },
      { signal: 'connections', value: 99, limit: 85, comparison: '>', holds: true },
    ],
  },
  {
    name: 'exactly at the limits',
    reason: 'The limits are strict: "above 85%" and "below 15%".',
    given: { cpuPercent: 85, freeMemoryPercent: 15, connectionsPercent: 85 },
    want: [
      { signal: 'cpu', value: 85, limit: 85, comparison: '>', holds: false },
      { signal: 'memory', value: 15, limit: 15, comparison: '<', holds: false },
      { signal: 'connections', value: 85, limit: 85, comparison: '>', holds: false },
    ],
  },
  {
    name: 'connections unknown',
    reason: 'An unknown engine gives no connection figure; the others still count.',
    given: { cpuPercent: 96, freeMemoryPercent: 50 },
    want: [
      { signal: 'cpu', value: 96, limit: 85, comparison: '>', holds: true },
      { signal: 'memory', value: 50, limit: 15, comparison: '<', holds: false },
    ],
  },
  {
    name: 'nothing known',
    reason: 'No figure, no finding.',
    given: {},
    want: [],
  },
];

describe('scaleUpFindings', () => {
  test.each(ups)('$name', ({ reason, given, want }) => {
    expect(scaleUpFindings(given, up), reason).toStrictEqual(want);
  });
});

interface DownRow {
  readonly name: string;
  readonly reason: string;
  readonly given: Utilisation;
  readonly want: ScaleDownCheck;
}

const quietCpu: Finding = { signal: 'cpu', value: 3, limit: 20, comparison: '<', holds: true };
const quietMemory: Finding = {
  signal: 'memory',
  value: 80,
  limit: 60,
  comparison: '>',
  holds: true,
};
const quietConnections: Finding = {
  signal: 'connections',
  value: 1,
  limit: 30,
  comparison: '<',
  holds: true,
};

const downs: DownRow[] = [
  {
    name: 'all quiet',
    reason: 'Every condition holds.',
    given: { cpuPercent: 3, freeMemoryPercent: 80, connectionsPercent: 1 },
    want: { holds: true, findings: [quietCpu, quietMemory, quietConnections], unknown: [] },
  },
  {
    name: 'CPU too busy',
    reason: 'One condition failing is enough to stay.',
    given: { cpuPercent: 25, freeMemoryPercent: 80, connectionsPercent: 1 },
    want: {
      holds: false,
      findings: [
        { signal: 'cpu', value: 25, limit: 20, comparison: '<', holds: false },
        quietMemory,
        quietConnections,
      ],
      unknown: [],
    },
  },
  {
    name: 'memory too tight',
    reason: 'Free memory must be above the limit.',
    given: { cpuPercent: 3, freeMemoryPercent: 17.5, connectionsPercent: 1 },
    want: {
      holds: false,
      findings: [
        quietCpu,
        { signal: 'memory', value: 17.5, limit: 60, comparison: '>', holds: false },
        quietConnections,
      ],
      unknown: [],
    },
  },
  {
    name: 'exactly at the limits',
    reason: 'The limits are strict: "below 20%", "above 60%", "below 30%".',
    given: { cpuPercent: 20, freeMemoryPercent: 60, connectionsPercent: 30 },
    want: {
      holds: false,
      findings: [
        { signal: 'cpu', value: 20, limit: 20, comparison: '<', holds: false },
        { signal: 'memory', value: 60, limit: 60, comparison: '>', holds: false },
        { signal: 'connections', value: 30, limit: 30, comparison: '<', holds: false },
      ],
      unknown: [],
    },
  },
  {
    name: 'connections unknown',
    reason: 'A smaller class is never chosen on a figure nobody measured.',
    given: { cpuPercent: 3, freeMemoryPercent: 80 },
    want: { holds: false, findings: [quietCpu, quietMemory], unknown: ['connections'] },
  },
  {
    name: 'memory unknown',
    reason: 'Any unknown figure blocks a scale-down.',
    given: { cpuPercent: 3, connectionsPercent: 1 },
    want: { holds: false, findings: [quietCpu, quietConnections], unknown: ['memory'] },
  },
  {
    name: 'nothing known',
    reason: 'Every figure is listed as unknown, in signal order.',
    given: {},
    want: { holds: false, findings: [], unknown: ['cpu', 'memory', 'connections'] },
  },
];

describe('scaleDownCheck', () => {
  test.each(downs)('$name', ({ reason, given, want }) => {
    expect(scaleDownCheck(given, down), reason).toStrictEqual(want);
  });
});

interface FindingRow {
  readonly name: string;
  readonly reason: string;
  readonly given: Finding;
  readonly want: string;
}

const findings: FindingRow[] = [
  {
    name: 'CPU above, holding',
    reason: 'The doc comment example; one decimal.',
    given: { signal: 'cpu', value: 96.24, limit: 85, comparison: '>', holds: true },
    want: 'CPU 96.2% > 85%',
  },
  {
    name: 'CPU at the limit, not holding',
    reason: 'A failed ">" reads as "<=".',
    given: { signal: 'cpu', value: 85, limit: 85, comparison: '>', holds: false },
    want: 'CPU 85% <= 85%',
  },
  {
    name: 'free memory below, holding',
    reason: 'The memory label is "free memory".',
    given: { signal: 'memory', value: 12.34, limit: 15, comparison: '<', holds: true },
    want: 'free memory 12.3% < 15%',
  },
  {
    name: 'free memory of the demo, not holding',
    reason: 'A failed "<" reads as ">="; 17.529296875 rounds to 17.5.',
    given: { signal: 'memory', value: 17.529296875, limit: 15, comparison: '<', holds: false },
    want: 'free memory 17.5% >= 15%',
  },
  {
    name: 'connections below, holding',
    reason: 'Zero prints as 0%, not 0.0%.',
    given: { signal: 'connections', value: 0, limit: 30, comparison: '<', holds: true },
    want: 'connections 0% < 30%',
  },
  {
    name: 'fractional limit',
    reason: 'Limits are formatted like values.',
    given: { signal: 'connections', value: 99.96, limit: 87.5, comparison: '>', holds: true },
    want: 'connections 100% > 87.5%',
  },
];

describe('describeFinding', () => {
  test.each(findings)('$name', ({ reason, given, want }) => {
    expect(describeFinding(given), reason).toBe(want);
  });
});

interface UtilisationRow {
  readonly name: string;
  readonly reason: string;
  readonly given: Utilisation;
  readonly want: string;
}

const utilisations: UtilisationRow[] = [
  {
    name: 'the demo database',
    reason: 'The doc comment example: every figure, in signal order.',
    given: {
      cpuPercent: 2.6191111704257306,
      freeMemoryPercent: 17.529296875,
      connectionsPercent: 0,
    },
    want: 'CPU 2.6%, free memory 17.5%, connections 0%',
  },
  {
    name: 'connections unknown',
    reason: 'An unknown figure is left out, not shown as zero.',
    given: { cpuPercent: 50, freeMemoryPercent: 40 },
    want: 'CPU 50%, free memory 40%',
  },
  {
    name: 'memory unknown',
    reason: 'The separator only joins known figures.',
    given: { cpuPercent: 50, connectionsPercent: 12.5 },
    want: 'CPU 50%, connections 12.5%',
  },
  {
    name: 'only memory',
    reason: 'One figure, no separator.',
    given: { freeMemoryPercent: 40 },
    want: 'free memory 40%',
  },
  {
    name: 'nothing known',
    reason: 'Nothing to describe.',
    given: {},
    want: '',
  },
];

describe('describeUtilisation', () => {
  test.each(utilisations)('$name', ({ reason, given, want }) => {
    expect(describeUtilisation(given), reason).toBe(want);
  });
});
