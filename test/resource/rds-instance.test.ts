/**
 * provider-aws's RDS Instance: telling it apart from other objects in both API groups, and
 * reading the class asked for, the class RDS reports, the annotations and the AWS identifier.
 */
import { describe, expect, test } from 'vitest';

import { isRdsInstance, readRdsInstance } from '../../src/resource/rds-instance.js';
import type { RdsInstanceReading } from '../../src/resource/rds-instance.js';

interface KindRow {
  readonly name: string;
  readonly reason: string;
  readonly given: unknown;
  readonly want: boolean;
}

const kinds: KindRow[] = [
  {
    name: 'cluster-scoped Instance',
    reason: 'provider-aws for Crossplane v1.',
    given: { apiVersion: 'rds.aws.upbound.io/v1beta1', kind: 'Instance', metadata: { name: 'db' } },
    want: true,
  },
  {
    name: 'namespaced Instance',
    reason: 'provider-aws for Crossplane v2.',
    given: {
      apiVersion: 'rds.aws.m.upbound.io/v1beta1',
      kind: 'Instance',
      metadata: { name: 'db' },
    },
    want: true,
  },
  {
    name: 'another version',
    reason: 'Any version of the group matches.',
    given: { apiVersion: 'rds.aws.upbound.io/v1beta2', kind: 'Instance' },
    want: true,
  },
  {
    name: 'a resource reference',
    reason: 'An entry of a composite resourceRefs list is recognised without the object itself.',
    given: { apiVersion: 'rds.aws.m.upbound.io/v1beta1', kind: 'Instance', name: 'db-x7k2p' },
    want: true,
  },
  {
    name: 'another RDS kind',
    reason: 'An Aurora Cluster has no instance class of its own.',
    given: { apiVersion: 'rds.aws.upbound.io/v1beta1', kind: 'Cluster' },
    want: false,
  },
  {
    name: 'an Instance of another group',
    reason: 'An EC2 Instance is not a database.',
    given: { apiVersion: 'ec2.aws.upbound.io/v1beta1', kind: 'Instance' },
    want: false,
  },
  {
    name: 'the community provider',
    reason: 'provider-aws from crossplane-contrib has another group and shape.',
    given: { apiVersion: 'database.aws.crossplane.io/v1beta1', kind: 'RDSInstance' },
    want: false,
  },
  {
    name: 'a group that only ends like RDS',
    reason: 'The group is compared whole.',
    given: { apiVersion: 'myrds.aws.upbound.io/v1beta1', kind: 'Instance' },
    want: false,
  },
  {
    name: 'kind in lower case',
    reason: 'Kinds are case-sensitive.',
    given: { apiVersion: 'rds.aws.upbound.io/v1beta1', kind: 'instance' },
    want: false,
  },
  {
    name: 'group without a version',
    reason: 'Without a slash the whole apiVersion is a core version, not a group.',
    given: { apiVersion: 'rds.aws.upbound.io', kind: 'Instance' },
    want: false,
  },
  {
    name: 'no apiVersion',
    reason: 'Nothing to match.',
    given: { kind: 'Instance' },
    want: false,
  },
  {
    name: 'apiVersion not a string',
    reason: 'Malformed JSON is not an Instance.',
    given: { apiVersion: 1, kind: 'Instance' },
    want: false,
  },
  { name: 'null', reason: 'Not an object.', given: null, want: false },
  { name: 'a list', reason: 'Not an object.', given: [{ kind: 'Instance' }], want: false },
  { name: 'a string', reason: 'Not an object.', given: 'Instance', want: false },
];

describe('isRdsInstance', () => {
  test.each(kinds)('$name', ({ reason, given, want }) => {
    expect(isRdsInstance(given), reason).toBe(want);
  });
});

interface ReadRow {
  readonly name: string;
  readonly reason: string;
  readonly given: unknown;
  readonly want: RdsInstanceReading;
}

const reads: ReadRow[] = [
  {
    name: 'a running Instance',
    reason: 'Every field this function reads.',
    given: {
      apiVersion: 'rds.aws.upbound.io/v1beta1',
      kind: 'Instance',
      metadata: {
        name: 'rds-metrics-database-ai-scale-x7k2p',
        annotations: {
          'crossplane.io/external-name': 'rds-metrics-database-ai-scale',
          'intelligent-scaling/last-verdict': 'NoChange',
        },
      },
      spec: { forProvider: { instanceClass: 'db.t3.micro', engine: 'mariadb' } },
      status: { atProvider: { instanceClass: 'db.t3.micro', status: 'available' } },
    },
    want: {
      ok: true,
      value: {
        name: 'rds-metrics-database-ai-scale-x7k2p',
        annotations: {
          'crossplane.io/external-name': 'rds-metrics-database-ai-scale',
          'intelligent-scaling/last-verdict': 'NoChange',
        },
        requestedClass: 'db.t3.micro',
        reportedClass: 'db.t3.micro',
        externalName: 'rds-metrics-database-ai-scale',
      },
    },
  },
  {
    name: 'a resize in progress',
    reason: 'The class asked for and the class RDS reports differ until the resize finishes.',
    given: {
      apiVersion: 'rds.aws.m.upbound.io/v1beta1',
      kind: 'Instance',
      metadata: { name: 'db', namespace: 'default' },
      spec: { forProvider: { instanceClass: 'db.t3.small' } },
      status: { atProvider: { instanceClass: 'db.t3.micro' } },
    },
    want: {
      ok: true,
      value: {
        name: 'db',
        annotations: {},
        requestedClass: 'db.t3.small',
        reportedClass: 'db.t3.micro',
      },
    },
  },
  {
    name: 'desired, never observed',
    reason: 'A desired composed resource has a spec and no status yet.',
    given: {
      apiVersion: 'rds.aws.upbound.io/v1beta1',
      kind: 'Instance',
      metadata: { name: 'db' },
      spec: { forProvider: { instanceClass: 'db.t3.micro' } },
    },
    want: { ok: true, value: { name: 'db', annotations: {}, requestedClass: 'db.t3.micro' } },
  },
  {
    name: 'no classes',
    reason: 'Absent classes stay absent rather than becoming empty strings.',
    given: {
      metadata: { name: 'db' },
      spec: { forProvider: {} },
      status: { atProvider: {} },
    },
    want: { ok: true, value: { name: 'db', annotations: {} } },
  },
  {
    name: 'missing name',
    reason: 'An object without a name cannot be addressed.',
    given: { apiVersion: 'rds.aws.upbound.io/v1beta1', kind: 'Instance', metadata: {} },
    want: { ok: false, problem: 'metadata.name: is required' },
  },
  {
    name: 'class not a string',
    reason: 'A malformed class is reported where it is.',
    given: { metadata: { name: 'db' }, spec: { forProvider: { instanceClass: 2 } } },
    want: { ok: false, problem: 'spec.forProvider.instanceClass: expected string, got number' },
  },
  {
    name: 'not an object',
    reason: 'A root problem is placed at "object".',
    given: 'Instance',
    want: { ok: false, problem: 'object: expected object, got string' },
  },
];

describe('readRdsInstance', () => {
  test.each(reads)('$name', ({ reason, given, want }) => {
    expect(readRdsInstance(given), reason).toStrictEqual(want);
  });
});
