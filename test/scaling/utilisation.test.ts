/**
 * Utilisation: CloudWatch's absolute figures as percentages of a class's capacity, and the same
 * demand projected onto a smaller or larger class, clamped to what a class can report.
 */
import { describe, expect, test } from 'vitest';

import { instanceClass } from '../../src/scaling/instance-classes.js';
import type { Engine, InstanceClass } from '../../src/scaling/instance-classes.js';
import { projectLoad, utilisation } from '../../src/scaling/utilisation.js';
import type { Load, Utilisation } from '../../src/scaling/utilisation.js';
import { GiB } from '../fixtures/scaling.js';

/** cls returns a class from the table, failing the test when the table lacks it. */
function cls(name: string): InstanceClass {
  const found = instanceClass(name);
  if (found === undefined) throw new Error(`test class ${name} is not in the table`);
  return found;
}

interface UtilisationRow {
  readonly name: string;
  readonly reason: string;
  readonly given: {
    readonly load: Load;
    readonly className: string;
    readonly engine: Engine | undefined;
  };
  readonly want: Utilisation;
}

const utilisations: UtilisationRow[] = [
  {
    name: 'the demo database',
    reason: 'The talk: 2.6% CPU, 188219392 bytes free of 1 GiB, no connections, on MariaDB.',
    given: {
      load: { cpuPercent: 2.6191111704257306, freeableMemoryBytes: 188_219_392, connections: 0 },
      className: 'db.t3.micro',
      engine: 'mariadb',
    },
    want: {
      cpuPercent: 2.6191111704257306,
      freeMemoryPercent: 17.529296875,
      connectionsPercent: 0,
    },
  },
  {
    name: 'postgres connections',
    reason: '41 of the 82 PostgreSQL connections of a db.t3.micro.',
    given: {
      load: { cpuPercent: 96, freeableMemoryBytes: 0.25 * GiB, connections: 41 },
      className: 'db.t3.micro',
      engine: 'postgres',
    },
    want: { cpuPercent: 96, freeMemoryPercent: 25, connectionsPercent: 50 },
  },
  {
    name: 'mysql connections at the limit',
    reason: '145 of the 145 MySQL connections of a db.t3.small.',
    given: { load: { connections: 145 }, className: 'db.t3.small', engine: 'mysql' },
    want: { connectionsPercent: 100 },
  },
  {
    name: 'memory of a larger class',
    reason: 'Free memory is a share of the class the database runs on.',
    given: { load: { freeableMemoryBytes: 4 * GiB }, className: 'db.r5.large', engine: 'mysql' },
    want: { freeMemoryPercent: 25 },
  },
  {
    name: 'unknown engine',
    reason: 'Without a known engine there is no max_connections to divide by.',
    given: {
      load: { cpuPercent: 40, freeableMemoryBytes: 0.5 * GiB, connections: 30 },
      className: 'db.t3.micro',
      engine: undefined,
    },
    want: { cpuPercent: 40, freeMemoryPercent: 50 },
  },
  {
    name: 'only CPU',
    reason: 'A metric with no datapoint stays absent, not zero.',
    given: { load: { cpuPercent: 12.5 }, className: 'db.t3.medium', engine: 'postgres' },
    want: { cpuPercent: 12.5 },
  },
  {
    name: 'only free memory',
    reason: 'A metric with no datapoint stays absent, not zero.',
    given: { load: { freeableMemoryBytes: GiB }, className: 'db.t3.medium', engine: 'postgres' },
    want: { freeMemoryPercent: 25 },
  },
  {
    name: 'nothing reported',
    reason: 'No figures, no percentages.',
    given: { load: {}, className: 'db.t3.micro', engine: 'mariadb' },
    want: {},
  },
];

describe('utilisation', () => {
  test.each(utilisations)('$name', ({ reason, given, want }) => {
    expect(utilisation(given.load, cls(given.className), given.engine), reason).toStrictEqual(want);
  });
});

interface ProjectionRow {
  readonly name: string;
  readonly reason: string;
  readonly given: { readonly load: Load; readonly from: string; readonly to: string };
  readonly want: Load;
}

const projections: ProjectionRow[] = [
  {
    name: 'to a larger burstable class',
    reason: 'Same vCPUs, so CPU stays; the extra GiB is free; connections are a count.',
    given: {
      load: { cpuPercent: 50, freeableMemoryBytes: 0.5 * GiB, connections: 10 },
      from: 'db.t3.micro',
      to: 'db.t3.small',
    },
    want: { cpuPercent: 50, freeableMemoryBytes: 1.5 * GiB, connections: 10 },
  },
  {
    name: 'to a smaller burstable class',
    reason: 'The memory in use stays in use, so free memory shrinks by the difference.',
    given: {
      load: { cpuPercent: 5, freeableMemoryBytes: 1.5 * GiB, connections: 2 },
      from: 'db.t3.small',
      to: 'db.t3.micro',
    },
    want: { cpuPercent: 5, freeableMemoryBytes: 0.5 * GiB, connections: 2 },
  },
  {
    name: 'to a larger class with more vCPUs',
    reason: 'Twice the vCPUs halve the CPU percentage.',
    given: {
      load: { cpuPercent: 90, freeableMemoryBytes: 2 * GiB },
      from: 'db.m5.large',
      to: 'db.m5.xlarge',
    },
    want: { cpuPercent: 45, freeableMemoryBytes: 10 * GiB },
  },
  {
    name: 'to a smaller class with fewer vCPUs',
    reason: 'Half the vCPUs double the CPU percentage.',
    given: { load: { cpuPercent: 40 }, from: 'db.m5.xlarge', to: 'db.m5.large' },
    want: { cpuPercent: 80 },
  },
  {
    name: 'CPU clamped at 100%',
    reason: '160% cannot be reported; the smaller class would be saturated.',
    given: { load: { cpuPercent: 80 }, from: 'db.m5.xlarge', to: 'db.m5.large' },
    want: { cpuPercent: 100 },
  },
  {
    name: 'free memory clamped at zero',
    reason: 'More memory in use than the smaller class has leaves none free, not less than none.',
    given: {
      load: { freeableMemoryBytes: 0.5 * GiB },
      from: 'db.t3.medium',
      to: 'db.t3.small',
    },
    want: { freeableMemoryBytes: 0 },
  },
  {
    name: 'from a burstable to a larger burstable with more vCPUs',
    reason: 'db.t3.xlarge has 4 vCPUs to the 2 of db.t3.large.',
    given: {
      load: { cpuPercent: 60, freeableMemoryBytes: GiB },
      from: 'db.t3.large',
      to: 'db.t3.xlarge',
    },
    want: { cpuPercent: 30, freeableMemoryBytes: 9 * GiB },
  },
  {
    name: 'only connections',
    reason: 'Absent figures stay absent.',
    given: { load: { connections: 7 }, from: 'db.t3.micro', to: 'db.t3.small' },
    want: { connections: 7 },
  },
  {
    name: 'nothing reported',
    reason: 'Nothing to project.',
    given: { load: {}, from: 'db.t3.micro', to: 'db.t3.small' },
    want: {},
  },
];

describe('projectLoad', () => {
  test.each(projections)('$name', ({ reason, given, want }) => {
    expect(projectLoad(given.load, cls(given.from), cls(given.to)), reason).toStrictEqual(want);
  });
});
