/**
 * Composition mode in process: the class lands on the composed RDS Instance, persists across
 * reconciles while earlier steps keep writing the composite's class, yields to a user's edit,
 * and the decision is reported in the composite's status with results only on change.
 */
import { Severity } from '@crossplane-org/function-sdk-typescript';
import type { RunFunctionResponse } from '@crossplane-org/function-sdk-typescript';
import { describe, expect, test } from 'vitest';

import { ANNOTATIONS } from '../../src/scaling/state.js';
import {
  compositionRequest,
  rdsInstance,
  resource,
  runFunctionAt,
  xsqlInstance,
} from '../fixtures/requests.js';
import { GiB, minutesAgo, performanceMetrics } from '../fixtures/scaling.js';

const run = runFunctionAt();

// Every annotation the function owns, cleared; the tests below spell out the ones that are set.
const emptyState = Object.fromEntries(Object.values(ANNOTATIONS).map((key) => [key, '']));

function instanceIn(rsp: RunFunctionResponse): Record<string, unknown> | undefined {
  return rsp.desired?.resources['rds-instance']?.resource;
}

function statusIn(rsp: RunFunctionResponse): unknown {
  const composite = rsp.desired?.composite?.resource;
  return (composite?.['status'] as Record<string, unknown> | undefined)?.['intelligentScaling'];
}

describe('composition mode', () => {
  test('a pegged CPU moves the composed Instance one class up', async () => {
    const rsp = await run(compositionRequest({}));
    const scaleUp = 'Scale up from db.t3.micro to db.t3.small: CPU 96% > 85%.';
    expect(rsp).toEqual({
      meta: { tag: 'tag-1', ttl: { seconds: 300, nanos: 0 } },
      desired: {
        composite: {
          resource: {
            apiVersion: 'aws.platform.upbound.io/v1alpha1',
            kind: 'XSQLInstance',
            status: {
              intelligentScaling: {
                instanceClass: 'db.t3.small',
                lastAnalyzed: '2025-09-15T12:54:00Z',
                lastScaled: '2025-09-15T12:54:00Z',
                lastDecision: scaleUp,
                decidedBy: 'rules',
              },
            },
          },
          connectionDetails: {},
          ready: 0,
        },
        resources: {
          'rds-instance': resource({
            apiVersion: 'rds.aws.m.upbound.io/v1beta1',
            kind: 'Instance',
            metadata: {
              annotations: {
                ...emptyState,
                'intelligent-scaling/last-analyzed': '2025-09-15T12:54:00Z',
                'intelligent-scaling/last-scaled': '2025-09-15T12:54:00Z',
                'intelligent-scaling/last-scaled-decision': scaleUp,
                'intelligent-scaling/last-verdict': 'ScaleUp',
                'intelligent-scaling/last-triggers': 'cpu',
                'intelligent-scaling/instance-class': 'db.t3.small',
                'intelligent-scaling/base-class': 'db.t3.micro',
                'intelligent-scaling/decided-by': 'rules',
              },
            },
            spec: {
              forProvider: { region: 'us-west-2', engine: 'mariadb', instanceClass: 'db.t3.small' },
            },
          }),
        },
      },
      results: [
        {
          severity: Severity.SEVERITY_NORMAL,
          message: `${scaleUp} (decided by rules)`,
          reason: 'ScaledUp',
        },
      ],
      context: undefined,
      requirements: undefined,
      conditions: [],
    });
  });

  test('the chosen class persists while the earlier step keeps writing the base class', async () => {
    const annotations = {
      'intelligent-scaling/last-analyzed': minutesAgo(1),
      'intelligent-scaling/last-scaled': minutesAgo(20),
      'intelligent-scaling/resize-completed-at': minutesAgo(12),
      'intelligent-scaling/last-triggers': 'cpu',
      'intelligent-scaling/instance-class': 'db.t3.small',
      'intelligent-scaling/base-class': 'db.t3.micro',
    };
    const rsp = await run(
      compositionRequest({
        observedInstance: rdsInstance({ requestedClass: 'db.t3.small', annotations }),
      }),
    );
    expect(instanceIn(rsp)).toMatchObject({
      spec: { forProvider: { instanceClass: 'db.t3.small' } },
      metadata: { annotations: { 'intelligent-scaling/instance-class': 'db.t3.small' } },
    });
    expect(rsp.results).toEqual([]);
    expect(rsp.meta?.ttl).toEqual({ seconds: 240, nanos: 0 });
  });

  test("a user's edit of the class wins and becomes the new starting point", async () => {
    const annotations = {
      'intelligent-scaling/last-analyzed': minutesAgo(20),
      'intelligent-scaling/last-scaled': minutesAgo(20),
      'intelligent-scaling/instance-class': 'db.t3.small',
      'intelligent-scaling/base-class': 'db.t3.micro',
    };
    const rsp = await run(
      compositionRequest({
        xr: xsqlInstance({ instanceClass: 'db.t3.large' }),
        desiredInstance: {
          apiVersion: 'rds.aws.m.upbound.io/v1beta1',
          kind: 'Instance',
          spec: { forProvider: { instanceClass: 'db.t3.large' } },
        },
        observedInstance: rdsInstance({ requestedClass: 'db.t3.small', annotations }),
      }),
    );
    expect(instanceIn(rsp)).toMatchObject({
      spec: { forProvider: { instanceClass: 'db.t3.large' } },
      metadata: {
        annotations: {
          'intelligent-scaling/instance-class': '',
          'intelligent-scaling/base-class': '',
        },
      },
    });
    expect(statusIn(rsp)).toMatchObject({
      instanceClass: 'db.t3.large',
      skipped: { reason: 'PendingResize' },
    });
  });

  test('fresh metrics from an earlier step in the pipeline win over the observed status', async () => {
    const quiet = performanceMetrics(
      { cpuPercent: 40, freeableMemoryBytes: 0.5 * GiB, connections: 5 },
      'db',
    );
    const rsp = await run(
      compositionRequest({
        desiredComposite: {
          apiVersion: 'aws.platform.upbound.io/v1alpha1',
          kind: 'XSQLInstance',
          status: { performanceMetrics: quiet, other: 'kept' },
        },
      }),
    );
    expect(instanceIn(rsp)).toMatchObject({
      spec: { forProvider: { instanceClass: 'db.t3.micro' } },
    });
    expect(rsp.desired?.composite?.resource).toMatchObject({
      status: {
        performanceMetrics: quiet,
        other: 'kept',
        intelligentScaling: { instanceClass: 'db.t3.micro' },
      },
    });
  });

  test('metrics in the pipeline context are used when no status carries them', async () => {
    const xr = xsqlInstance();
    const metrics = (xr['status'] as Record<string, unknown>)['performanceMetrics'];
    delete xr['status'];
    const rsp = await run(compositionRequest({ xr, context: { performanceMetrics: metrics } }));
    expect(instanceIn(rsp)).toMatchObject({
      spec: { forProvider: { instanceClass: 'db.t3.small' } },
    });
    expect(rsp.context).toEqual({ performanceMetrics: metrics });
  });

  test('unusable metrics keep the class in place and warn once', async () => {
    const annotations = {
      'intelligent-scaling/instance-class': 'db.t3.small',
      'intelligent-scaling/base-class': 'db.t3.micro',
    };
    const stale = xsqlInstance({ demand: { cpuPercent: 99, ageMinutes: 60 } });
    const request = compositionRequest({
      xr: stale,
      observedInstance: rdsInstance({ requestedClass: 'db.t3.small', annotations }),
    });
    const first = await run(request);
    const message =
      'Not analysed: CPUUtilization datapoint at 2025-09-15T11:54:00Z is 1h old (maximum 15m).';
    expect(instanceIn(first)).toMatchObject({
      spec: { forProvider: { instanceClass: 'db.t3.small' } },
    });
    expect(first.results).toEqual([
      {
        severity: Severity.SEVERITY_WARNING,
        message: `cannot resize: ${message}`,
        reason: 'UnusableMetrics',
      },
    ]);
    stale['status'] = { ...(stale['status'] as object), intelligentScaling: statusIn(first) };
    const again = await run(
      compositionRequest({
        xr: stale,
        observedInstance: rdsInstance({ requestedClass: 'db.t3.small', annotations }),
      }),
    );
    expect(again.results).toEqual([]);
  });

  test('no RDS Instance in desired state: status says so, nothing else changes', async () => {
    const request = compositionRequest({});
    request.desired = { composite: undefined, resources: {} };
    const rsp = await run(request);
    expect(rsp.desired?.resources).toEqual({});
    expect(statusIn(rsp)).toEqual({
      skipped: {
        reason: 'NoInstance',
        message:
          'no RDS Instance among the desired composed resources; compose one in an earlier step',
      },
    });
    expect(rsp.results.map((r) => r.reason)).toEqual(['NoInstance']);
  });

  test('invalid input is FATAL and names the field', async () => {
    const rsp = await run(
      compositionRequest({
        input: {
          apiVersion: 'intelligentscaling.fn.crossplane.io/v1alpha1',
          kind: 'Prompt',
          spec: { scaleUp: { cpuPercent: 'high' } },
        },
      }),
    );
    expect(rsp.results).toEqual([
      {
        severity: Severity.SEVERITY_FATAL,
        message: 'cannot read input: spec.scaleUp.cpuPercent: expected number, got string',
        reason: 'InvalidInput',
      },
    ]);
  });

  test('the request is never modified', async () => {
    const request = compositionRequest({
      desiredComposite: {
        apiVersion: 'aws.platform.upbound.io/v1alpha1',
        kind: 'XSQLInstance',
        status: { performanceMetrics: performanceMetrics({ cpuPercent: 96 }, 'db'), other: 'kept' },
      },
    });
    const before = structuredClone(request);
    const rsp = await run(request);
    expect(instanceIn(rsp)).toMatchObject({
      spec: { forProvider: { instanceClass: 'db.t3.small' } },
    });
    expect(request).toEqual(before);
  });

  test('the same request gives the same response', async () => {
    const first = await run(compositionRequest({}));
    const second = await run(compositionRequest({}));
    expect(second).toEqual(first);
  });
});
