/**
 * Operation mode in process: targets from any requirement (a CronOperation's selector, a
 * WatchOperation's watched resource), the call-again for each target's RDS Instance, minimal
 * patches only when there is something new to write, and one bad target never blocking others.
 */
import { Capability, Severity } from '@crossplane-org/function-sdk-typescript';
import { describe, expect, test } from 'vitest';

import { ANNOTATIONS } from '../../src/scaling/state.js';
import {
  operationRequest,
  rdsInstance,
  resource,
  runFunctionAt,
  xsqlInstance,
} from '../fixtures/requests.js';
import { minutesAgo } from '../fixtures/scaling.js';

const run = runFunctionAt();

// Every annotation an Operation writes, cleared: all the function owns but the composition's own.
const operationState = Object.fromEntries(
  Object.values(ANNOTATIONS)
    .filter((key) => key !== ANNOTATIONS.instanceClass && key !== ANNOTATIONS.baseClass)
    .map((key) => [key, '']),
);

const instanceKey = (name: string) => `intelligent-scaling/rds-instance/default/${name}`;

const selector = (name: string) => ({
  apiVersion: 'rds.aws.m.upbound.io/v1beta1',
  kind: 'Instance',
  matchLabels: { labels: { 'crossplane.io/composite': name } },
  namespace: 'default',
});

describe('operation mode', () => {
  test('the first call asks for each target RDS Instance and decides nothing yet', async () => {
    const rsp = await run(operationRequest({ databases: [xsqlInstance()] }));
    expect(rsp.requirements?.resources).toEqual({ [instanceKey('db')]: selector('db') });
    expect(rsp.desired?.resources).toEqual({});
    expect(rsp.output).toBeUndefined();
    expect(rsp.results).toEqual([]);
  });

  test('the second call resizes the composite with a minimal patch', async () => {
    const rsp = await run(
      operationRequest({ databases: [xsqlInstance()], [instanceKey('db')]: [rdsInstance()] }),
    );
    const reasoning = 'Scale up from db.t3.micro to db.t3.small: CPU 96% > 85%.';
    expect(rsp.requirements?.resources).toEqual({ [instanceKey('db')]: selector('db') });
    expect(rsp.desired?.resources).toEqual({
      'aws.platform.upbound.io/XSQLInstance/default/db': resource({
        apiVersion: 'aws.platform.upbound.io/v1alpha1',
        kind: 'XSQLInstance',
        metadata: {
          name: 'db',
          namespace: 'default',
          annotations: {
            ...operationState,
            'intelligent-scaling/last-analyzed': '2025-09-15T12:54:00Z',
            'intelligent-scaling/last-scaled': '2025-09-15T12:54:00Z',
            'intelligent-scaling/last-scaled-decision': reasoning,
            'intelligent-scaling/last-verdict': 'ScaleUp',
            'intelligent-scaling/last-triggers': 'cpu',
            'intelligent-scaling/decided-by': 'rules',
          },
        },
        spec: { parameters: { instanceClass: 'db.t3.small' } },
      }),
    });
    expect(rsp.results).toEqual([
      {
        severity: Severity.SEVERITY_NORMAL,
        message: `XSQLInstance "default/db": ${reasoning} (decided by rules)`,
        reason: 'ScaledUp',
      },
    ]);
    expect(rsp.output).toEqual({
      decisions: [
        {
          kind: 'XSQLInstance',
          namespace: 'default',
          name: 'db',
          instanceClass: 'db.t3.small',
          decision: 'ScaleUp',
          analyzed: true,
          message: reasoning,
          decidedBy: 'rules',
        },
      ],
    });
  });

  test('an RDS Instance still on the old class holds the resize back', async () => {
    const rsp = await run(
      operationRequest({
        databases: [xsqlInstance({ instanceClass: 'db.t3.small' })],
        [instanceKey('db')]: [
          rdsInstance({ requestedClass: 'db.t3.small', reportedClass: 'db.t3.micro' }),
        ],
      }),
    );
    expect(rsp.desired?.resources).toEqual({});
    expect(rsp.output?.['decisions']).toMatchObject([{ analyzed: false, reason: 'PendingResize' }]);
  });

  test('no RDS Instance found: the decision is made without that gate', async () => {
    const rsp = await run(
      operationRequest({ databases: [xsqlInstance()], [instanceKey('db')]: [] }),
    );
    expect(rsp.output?.['decisions']).toMatchObject([
      { decision: 'ScaleUp', instanceClass: 'db.t3.small' },
    ]);
  });

  test('a rate-limited target gets no patch, so a WatchOperation does not loop', async () => {
    const annotations = {
      'intelligent-scaling/last-analyzed': minutesAgo(1),
      'intelligent-scaling/last-triggers': 'cpu',
    };
    const rsp = await run(
      operationRequest({
        watched: [xsqlInstance({ annotations })],
        [instanceKey('db')]: [rdsInstance()],
      }),
    );
    expect(rsp.desired?.resources).toEqual({});
    expect(rsp.results).toEqual([]);
    expect(rsp.output?.['decisions']).toMatchObject([{ analyzed: false, reason: 'RateLimited' }]);
  });

  test('many matches: each decided on its own, a bad one never blocks the others', async () => {
    const broken = xsqlInstance({ name: 'broken' });
    (broken['status'] as Record<string, unknown>)['performanceMetrics'] = {
      metrics: { CPUUtilization: { value: 'high' } },
    };
    const nameless = xsqlInstance({ name: 'x' });
    nameless['metadata'] = { namespace: 'default' };
    const rsp = await run(
      operationRequest({
        'ops.crossplane.io/watched-resource': [xsqlInstance()],
        databases: [xsqlInstance(), broken, nameless],
        [instanceKey('db')]: [rdsInstance()],
        [instanceKey('broken')]: [],
      }),
    );
    expect(Object.keys(rsp.desired?.resources ?? {})).toEqual([
      'aws.platform.upbound.io/XSQLInstance/default/db',
    ]);
    expect(rsp.output).toEqual({
      decisions: [
        expect.objectContaining({ name: 'db', decision: 'ScaleUp' }),
        expect.objectContaining({
          name: 'broken',
          analyzed: false,
          reason: 'UnusableMetrics',
          message:
            'Not analysed: status.performanceMetrics.metrics.CPUUtilization.value: expected a finite number.',
        }),
        {
          kind: '',
          name: 'required resource "databases" item 2',
          error: 'cannot read target: metadata.name: is required',
        },
      ],
    });
  });

  test('resources that are not a target kind are ignored', async () => {
    const other = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'db', namespace: 'default' },
    };
    const rsp = await run(operationRequest({ databases: [other] }));
    expect(rsp.requirements).toBeUndefined();
    expect(rsp.output).toEqual({ decisions: [] });
  });

  test('a Crossplane without required resources gets decisions at once', async () => {
    const rsp = await run(
      operationRequest(
        { databases: [xsqlInstance()] },
        { capabilities: [Capability.CAPABILITY_CAPABILITIES] },
      ),
    );
    expect(rsp.requirements).toBeUndefined();
    expect(rsp.output?.['decisions']).toMatchObject([{ decision: 'ScaleUp' }]);
  });

  test('a composite listing its RDS Instance is asked for by name', async () => {
    const xr = xsqlInstance();
    xr['spec'] = {
      ...(xr['spec'] as object),
      crossplane: {
        resourceRefs: [
          { apiVersion: 'rds.aws.m.upbound.io/v1beta1', kind: 'Instance', name: 'db-rds' },
        ],
      },
    };
    const rsp = await run(operationRequest({ databases: [xr] }));
    expect(rsp.requirements?.resources).toEqual({
      [instanceKey('db')]: {
        apiVersion: 'rds.aws.m.upbound.io/v1beta1',
        kind: 'Instance',
        matchName: 'db-rds',
        namespace: 'default',
      },
    });
  });
});
