/**
 * The instance-class table: vCPUs and memory of every family, its largest size and a size it
 * does not have, and the engines' default max_connections that connection percentages rest on.
 */
import { describe, expect, test } from 'vitest';

import {
  instanceClass,
  knownInstanceClasses,
  maxConnections,
} from '../../src/scaling/instance-classes.js';
import type { Engine, InstanceClass } from '../../src/scaling/instance-classes.js';
import { GiB } from '../fixtures/scaling.js';

interface ClassRow {
  readonly name: string;
  readonly reason: string;
  readonly given: string;
  readonly want: InstanceClass | undefined;
}

/** known is a row for a class the table has, with its capacity as AWS publishes it. */
function known(name: string, vcpus: number, memoryGiB: number, reason: string): ClassRow {
  return { name, reason, given: name, want: { name, vcpus, memoryBytes: memoryGiB * GiB } };
}

/** missing is a row for a name the table must not know. */
function missing(name: string, reason: string): ClassRow {
  return { name, reason, given: name, want: undefined };
}

const classes: ClassRow[] = [
  known('db.t3.micro', 2, 1, 'The demo starts here.'),
  known('db.t3.small', 2, 2, 'Burstable classes keep 2 vCPUs while memory doubles.'),
  known('db.t3.medium', 2, 4, 'The demo scaled up to it.'),
  known('db.t3.large', 2, 8, 'The top of the default ladder.'),
  known('db.t3.xlarge', 4, 16, 'Burstable vCPUs double from xlarge.'),
  known('db.t3.2xlarge', 8, 32, 'The largest t3.'),
  missing('db.t3.nano', 'RDS offers no t3.nano.'),
  missing('db.t3.4xlarge', 't3 stops at 2xlarge.'),
  known('db.t4g.micro', 2, 1, 'Graviton burstable, same shape as t3.'),
  known('db.t4g.medium', 2, 4, 'Graviton burstable, same shape as t3.'),
  known('db.t4g.2xlarge', 8, 32, 'The largest t4g.'),
  missing('db.t4g.4xlarge', 't4g stops at 2xlarge.'),
  known('db.m5.large', 2, 8, 'General purpose: 4 GiB per vCPU.'),
  known('db.m5.xlarge', 4, 16, 'Each size doubles the last.'),
  known('db.m5.4xlarge', 16, 64, 'Each size doubles the last.'),
  known('db.m5.12xlarge', 48, 192, 'Not every size is a power of two.'),
  known('db.m5.24xlarge', 96, 384, 'The largest m5.'),
  missing('db.m5.32xlarge', 'm5 stops at 24xlarge.'),
  missing('db.m5.micro', 'Fixed-performance families have no burstable sizes.'),
  known('db.m6g.large', 2, 8, 'Graviton general purpose.'),
  known('db.m6g.16xlarge', 64, 256, 'The largest m6g.'),
  missing('db.m6g.24xlarge', 'm6g stops at 16xlarge.'),
  known('db.m6i.large', 2, 8, 'Intel general purpose.'),
  known('db.m6i.24xlarge', 96, 384, 'm6i goes past 16xlarge.'),
  known('db.m6i.32xlarge', 128, 512, 'The largest m6i.'),
  missing('db.m6i.48xlarge', 'm6i stops at 32xlarge.'),
  known('db.m7g.large', 2, 8, 'Graviton3 general purpose.'),
  known('db.m7g.16xlarge', 64, 256, 'The largest m7g.'),
  missing('db.m7g.24xlarge', 'm7g stops at 16xlarge.'),
  known('db.r5.large', 2, 16, 'Memory optimised: 8 GiB per vCPU.'),
  known('db.r5.8xlarge', 32, 256, 'Each size doubles the last.'),
  known('db.r5.24xlarge', 96, 768, 'The largest r5.'),
  missing('db.r5.32xlarge', 'r5 stops at 24xlarge.'),
  known('db.r6g.large', 2, 16, 'Graviton memory optimised.'),
  known('db.r6g.16xlarge', 64, 512, 'The largest r6g.'),
  missing('db.r6g.24xlarge', 'r6g stops at 16xlarge.'),
  known('db.r6i.large', 2, 16, 'Intel memory optimised.'),
  known('db.r6i.32xlarge', 128, 1024, 'The largest r6i.'),
  missing('db.r6i.48xlarge', 'r6i stops at 32xlarge.'),
  known('db.r7g.large', 2, 16, 'Graviton3 memory optimised.'),
  known('db.r7g.16xlarge', 64, 512, 'The largest r7g.'),
  missing('db.r7g.24xlarge', 'r7g stops at 16xlarge.'),
  missing('db.x2g.large', 'A family the table does not cover.'),
  missing('t3.micro', 'RDS class names start with "db.".'),
  missing('DB.T3.MICRO', 'Class names are case-sensitive, as in the AWS API.'),
  missing('', 'An empty name is no class.'),
];

describe('instanceClass', () => {
  test.each(classes)('$name', ({ reason, given, want }) => {
    expect(instanceClass(given), reason).toStrictEqual(want);
  });
});

describe('knownInstanceClasses', () => {
  test('lists every class of every family once, each as instanceClass returns it', () => {
    const all = knownInstanceClasses();
    // t3 and t4g have 6 sizes; m5 and r5 8; m6g, m7g, r6g, r7g 7; m6i and r6i 9.
    expect(all.length).toBe(2 * 6 + 2 * 8 + 4 * 7 + 2 * 9);
    expect(new Set(all.map((c) => c.name)).size).toBe(all.length);
    expect(all.filter((c) => instanceClass(c.name) !== c)).toEqual([]);
  });
});

interface ConnectionsRow {
  readonly name: string;
  readonly reason: string;
  readonly given: { readonly className: string; readonly engine: Engine };
  readonly want: number;
}

// RDS derives max_connections from DBInstanceClassMemory, which is a little under the nominal
// memory; the table approximates it, so these are the approximation's figures.
const connections: ConnectionsRow[] = [
  {
    name: 'postgres on db.t3.micro',
    reason: 'DBInstanceClassMemory/9531392, rounded down.',
    given: { className: 'db.t3.micro', engine: 'postgres' },
    want: 82,
  },
  {
    name: 'postgres on db.t3.small',
    reason: 'DBInstanceClassMemory/9531392, rounded down.',
    given: { className: 'db.t3.small', engine: 'postgres' },
    want: 192,
  },
  {
    name: 'postgres on db.t3.medium',
    reason: 'DBInstanceClassMemory/9531392, rounded down.',
    given: { className: 'db.t3.medium', engine: 'postgres' },
    want: 413,
  },
  {
    name: 'postgres on db.t3.large',
    reason: 'DBInstanceClassMemory/9531392, rounded down.',
    given: { className: 'db.t3.large', engine: 'postgres' },
    want: 855,
  },
  {
    name: 'mysql on db.t3.micro',
    reason: 'DBInstanceClassMemory/12582880, rounded down.',
    given: { className: 'db.t3.micro', engine: 'mysql' },
    want: 62,
  },
  {
    name: 'mysql on db.t3.small',
    reason: 'DBInstanceClassMemory/12582880, rounded down.',
    given: { className: 'db.t3.small', engine: 'mysql' },
    want: 145,
  },
  {
    name: 'mysql on db.t3.medium',
    reason: 'DBInstanceClassMemory/12582880, rounded down.',
    given: { className: 'db.t3.medium', engine: 'mysql' },
    want: 313,
  },
  {
    name: 'mysql on db.t3.large',
    reason: 'DBInstanceClassMemory/12582880, rounded down.',
    given: { className: 'db.t3.large', engine: 'mysql' },
    want: 647,
  },
  {
    name: 'mariadb on db.t3.micro',
    reason: 'MariaDB uses the MySQL formula; the demo runs MariaDB.',
    given: { className: 'db.t3.micro', engine: 'mariadb' },
    want: 62,
  },
  {
    name: 'mariadb on db.t3.large',
    reason: 'MariaDB uses the MySQL formula.',
    given: { className: 'db.t3.large', engine: 'mariadb' },
    want: 647,
  },
  {
    name: 'postgres just under the cap',
    reason: '32 GiB stays below 5000 connections.',
    given: { className: 'db.r5.xlarge', engine: 'postgres' },
    want: 3504,
  },
  {
    name: 'postgres at the cap',
    reason: '64 GiB would give 7037; PostgreSQL takes LEAST(..., 5000).',
    given: { className: 'db.r5.2xlarge', engine: 'postgres' },
    want: 5000,
  },
  {
    name: 'postgres on the largest r5',
    reason: '768 GiB is far past the cap.',
    given: { className: 'db.r5.24xlarge', engine: 'postgres' },
    want: 5000,
  },
  {
    name: 'mysql on the largest r5',
    reason: 'MySQL has no cap.',
    given: { className: 'db.r5.24xlarge', engine: 'mysql' },
    want: 64204,
  },
];

describe('maxConnections', () => {
  test.each(connections)('$name', ({ reason, given, want }) => {
    const cls = instanceClass(given.className);
    if (cls === undefined) throw new Error(`test class ${given.className} is not in the table`);
    expect(maxConnections(cls, given.engine), reason).toBe(want);
  });
});
