/**
 * Reading a composite resource shaped like the demo's XSQLInstance: identity, the parameters a
 * decision needs, the raw metrics, and the composed resources it references in Crossplane v2
 * (`spec.crossplane.resourceRefs`) and v1 (`spec.resourceRefs`), with the problem a malformed
 * one reports.
 */
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';

import { readSqlInstance } from '../../src/resource/sql-instance.js';
import type { SqlInstanceReading } from '../../src/resource/sql-instance.js';

// The talk's XSQLInstance (shared/seeds), exactly as it was applied.
const demoYaml = `
apiVersion: aws.platform.upbound.io/v1alpha1
kind: XSQLInstance
metadata:
  name: rds-metrics-database-ai-scale
  namespace: default
  labels:
    scale: me
spec:
  compositionSelector:
    matchLabels:
      type: rds-metrics
  parameters:
    region: us-west-2
    engine: mariadb
    engineVersion: "10.11"
    storageGB: 5
    instanceClass: db.t3.micro
    autoGeneratePassword: true
    publiclyAccessible: true # Temporarily for stress testing
    passwordSecretRef:
      namespace: default
      name: mariadbsecret
      key: password
    networkRef:
      id: rds-metrics-database-ai-scale
      writeConnectionSecretToRef:
`;

const metrics = {
  databaseName: 'db',
  timestamp: '2025-09-15T12:53:49Z',
  metrics: { CPUUtilization: { value: 96, unit: 'Percent' } },
};

const rdsRef = {
  apiVersion: 'rds.aws.m.upbound.io/v1beta1',
  kind: 'Instance',
  name: 'db-x7k2p',
  namespace: 'default',
};

const clusterRdsRef = {
  apiVersion: 'rds.aws.upbound.io/v1beta1',
  kind: 'Instance',
  name: 'db-x7k2p',
};

/** composite is a minimal namespaced SQLInstance named "db" with the given spec and status. */
function composite(fields: Record<string, unknown>): Record<string, unknown> {
  return {
    apiVersion: 'aws.platform.upbound.io/v1alpha1',
    kind: 'SQLInstance',
    metadata: { name: 'db', namespace: 'default' },
    ...fields,
  };
}

const minimal = {
  apiVersion: 'aws.platform.upbound.io/v1alpha1',
  kind: 'SQLInstance',
  name: 'db',
  namespace: 'default',
  annotations: {},
  performanceMetrics: undefined,
  resourceRefs: [],
};

interface Row {
  readonly name: string;
  readonly reason: string;
  readonly given: unknown;
  readonly want: SqlInstanceReading;
}

const rows: Row[] = [
  {
    name: 'the demo XSQLInstance',
    reason: 'Identity and parameters are read; what this function does not read is ignored.',
    given: parse(demoYaml),
    want: {
      ok: true,
      value: {
        apiVersion: 'aws.platform.upbound.io/v1alpha1',
        kind: 'XSQLInstance',
        name: 'rds-metrics-database-ai-scale',
        namespace: 'default',
        annotations: {},
        instanceClass: 'db.t3.micro',
        engine: 'mariadb',
        region: 'us-west-2',
        performanceMetrics: undefined,
        resourceRefs: [],
      },
    },
  },
  {
    name: 'Crossplane v2 resource references',
    reason: 'v2 keeps machinery under spec.crossplane.',
    given: composite({ spec: { crossplane: { resourceRefs: [rdsRef] } } }),
    want: { ok: true, value: { ...minimal, resourceRefs: [rdsRef] } },
  },
  {
    name: 'Crossplane v1 resource references',
    reason: 'v1 kept them at the top of spec; a cluster-scoped ref has no namespace.',
    given: composite({ spec: { resourceRefs: [clusterRdsRef] } }),
    want: { ok: true, value: { ...minimal, resourceRefs: [clusterRdsRef] } },
  },
  {
    name: 'both kinds of references',
    reason: 'The v2 field wins when both are present.',
    given: composite({
      spec: { crossplane: { resourceRefs: [rdsRef] }, resourceRefs: [clusterRdsRef] },
    }),
    want: { ok: true, value: { ...minimal, resourceRefs: [rdsRef] } },
  },
  {
    name: 'reference fields beyond identity',
    reason: 'Only apiVersion, kind, name and namespace are kept.',
    given: composite({
      spec: { crossplane: { resourceRefs: [{ ...rdsRef, uid: 'f00d', fieldPath: 'x' }] } },
    }),
    want: { ok: true, value: { ...minimal, resourceRefs: [rdsRef] } },
  },
  {
    name: 'metrics and annotations',
    reason: 'The metrics are handed on raw; annotations carry the scaling state.',
    given: composite({
      metadata: {
        name: 'db',
        namespace: 'default',
        annotations: { 'intelligent-scaling/last-analyzed': '2025-09-15T12:50:00Z' },
      },
      status: { performanceMetrics: metrics, conditions: [] },
    }),
    want: {
      ok: true,
      value: {
        ...minimal,
        annotations: { 'intelligent-scaling/last-analyzed': '2025-09-15T12:50:00Z' },
        performanceMetrics: metrics,
      },
    },
  },
  {
    name: 'a cluster-scoped composite without spec',
    reason: 'Every parameter is optional; an absent one stays absent.',
    given: {
      apiVersion: 'aws.platform.upbound.io/v1alpha1',
      kind: 'XSQLInstance',
      metadata: { name: 'db' },
    },
    want: {
      ok: true,
      value: {
        apiVersion: 'aws.platform.upbound.io/v1alpha1',
        kind: 'XSQLInstance',
        name: 'db',
        annotations: {},
        performanceMetrics: undefined,
        resourceRefs: [],
      },
    },
  },
  {
    name: 'a status without performanceMetrics',
    reason:
      'Every reconciled composite has status.conditions before a metrics step has run; the ' +
      'metrics are then absent, not the composite unreadable.',
    given: composite({ status: { conditions: [{ type: 'Ready', status: 'False' }] } }),
    want: { ok: true, value: minimal },
  },
  {
    name: 'missing name',
    reason: 'A composite without a name cannot be addressed.',
    given: composite({ metadata: { namespace: 'default' } }),
    want: { ok: false, problem: 'metadata.name: is required' },
  },
  {
    name: 'empty name',
    reason: 'An empty name is no name.',
    given: composite({ metadata: { name: '' } }),
    want: { ok: false, problem: 'metadata.name: must not be empty' },
  },
  {
    name: 'missing kind',
    reason: 'Targets are matched by kind.',
    given: { apiVersion: 'aws.platform.upbound.io/v1alpha1', metadata: { name: 'db' } },
    want: { ok: false, problem: 'kind: is required' },
  },
  {
    name: 'engine not a string',
    reason: 'A malformed parameter is reported where it is.',
    given: composite({ spec: { parameters: { engine: 15 } } }),
    want: { ok: false, problem: 'spec.parameters.engine: expected string, got number' },
  },
  {
    name: 'reference without a name',
    reason: 'The list index is part of the path.',
    given: composite({
      spec: { crossplane: { resourceRefs: [rdsRef, { apiVersion: 'v1', kind: 'Secret' }] } },
    }),
    want: { ok: false, problem: 'spec.crossplane.resourceRefs[1].name: is required' },
  },
  {
    name: 'nothing at all',
    reason: 'No composite in the request.',
    given: undefined,
    want: { ok: false, problem: 'object: is required' },
  },
];

describe('readSqlInstance', () => {
  test.each(rows)('$name', ({ reason, given, want }) => {
    expect(readSqlInstance(given), reason).toStrictEqual(want);
  });
});
