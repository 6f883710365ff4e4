/**
 * Tests of the render harness itself, against tiny in-process functions: that it calls steps the
 * way `crossplane render` and Crossplane's Operations do (requests, hand-over between steps,
 * credentials, FATAL, the call-again loop and its cap, the watched resource, the printed
 * documents), that freshMetrics and its script refresh timestamps, and that the examples parse.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import {
  Ready,
  RunFunctionRequest,
  fatal,
  normal,
  requireResource,
  setContextKey,
  setOutput,
  to,
  warning,
} from '@crossplane-org/function-sdk-typescript';
import type {
  ResourceSelector,
  RunFunctionResponse,
} from '@crossplane-org/function-sdk-typescript';
import { parse } from 'yaml';
import { describe, expect, test } from 'vitest';

import { PromptSchema } from '../../src/input/prompt.js';
import { getFieldPath, refOf } from './objects.js';
import type { KubeObject } from './objects.js';
import {
  MAX_REQUIREMENTS_ITERATIONS,
  WATCHED_RESOURCE,
  freshMetrics,
  renderComposition,
  renderOperation,
} from './render.js';
import type { RunStep } from './render.js';
import {
  examplePath,
  exampleYamlFiles,
  loadExample,
  loadYamlDocument,
  secretData,
} from './yaml-docs.js';

const XR = loadYamlDocument(examplePath('composition/xr.yaml'));
const COMPOSITION = loadYamlDocument(examplePath('composition/composition.yaml'));
const COMPOSITION_FUNCTIONS = loadExample('composition/functions.yaml');
const OBSERVED = loadExample('composition/observed.yaml');
const SECRETS = loadExample('composition/secrets.yaml');
const WATCHED = loadYamlDocument(examplePath('operation/watched.yaml'));
const CLUSTER = loadExample('operation/required-resources.yaml');
const OPERATION_FUNCTIONS = loadExample('operation/functions.yaml');
const FUNCTION = 'function-intelligent-scaling';
const XR_NAME = 'rds-metrics-database-ai-scale';

// A step that changes nothing, as the SDK's to() builds it.
const passThrough: RunStep = (req) => Promise.resolve(to(req));

// record wraps a step so a test can read what it was sent, before the step mutates it.
function record(step: RunStep): { run: RunStep; requests: RunFunctionRequest[] } {
  const requests: RunFunctionRequest[] = [];
  return {
    requests,
    run: (req) => {
      requests.push(RunFunctionRequest.decode(RunFunctionRequest.encode(req).finish()));
      return step(req);
    },
  };
}

function respond(build: (req: RunFunctionRequest, rsp: RunFunctionResponse) => void): RunStep {
  return (req) => {
    const rsp = to(req);
    build(req, rsp);
    return Promise.resolve(rsp);
  };
}

// A Composition for the example XR whose steps call the named functions, in order.
function compositionOf(...steps: readonly KubeObject[]): KubeObject {
  return {
    apiVersion: 'apiextensions.crossplane.io/v1',
    kind: 'Composition',
    metadata: { name: 'test', labels: { type: 'rds-metrics' } },
    spec: {
      compositeTypeRef: { apiVersion: refOf(XR).apiVersion, kind: refOf(XR).kind },
      mode: 'Pipeline',
      pipeline: steps,
    },
  };
}

function operationOf(...steps: readonly KubeObject[]): KubeObject {
  return {
    apiVersion: 'ops.crossplane.io/v1alpha1',
    kind: 'Operation',
    metadata: { name: 'test' },
    spec: { mode: 'Pipeline', pipeline: steps },
  };
}

function step(name: string, functionName: string, extra: KubeObject = {}): KubeObject {
  return { step: name, functionRef: { name: functionName }, ...extra };
}

function functionsNamed(...names: readonly string[]): KubeObject[] {
  return names.map((name) => ({
    apiVersion: 'pkg.crossplane.io/v1',
    kind: 'Function',
    metadata: { name },
  }));
}

function value(obj: unknown, path: string): unknown {
  const found = getFieldPath(obj, path);
  return found.found ? found.value : undefined;
}

const instanceSelector: ResourceSelector = {
  apiVersion: 'rds.aws.m.upbound.io/v1beta1',
  kind: 'Instance',
  matchLabels: { labels: { 'crossplane.io/composite': XR_NAME } },
};

describe('renderComposition', () => {
  test('sends every request an empty tag, the XR as observed and the observed composed resources by name', async () => {
    const scaling = record(passThrough);
    const outcome = await renderComposition({
      xr: XR,
      composition: COMPOSITION,
      functions: COMPOSITION_FUNCTIONS,
      observed: OBSERVED,
      credentials: SECRETS,
      steps: { [FUNCTION]: scaling.run },
    });

    expect(outcome.ok).toBe(true);
    expect(outcome.calls.map((c) => [c.step, c.request.meta?.tag])).toEqual([
      ['compose-rds-instance', ''],
      ['intelligent-scaling', ''],
    ]);
    const [req] = scaling.requests;
    expect(req?.observed?.composite?.resource).toEqual(XR);
    expect(req?.observed?.resources).toEqual({
      'rds-instance': {
        resource: OBSERVED[0],
        connectionDetails: {},
        ready: Ready.READY_UNSPECIFIED,
      },
    });
    expect(req?.input).toEqual(value(COMPOSITION, 'spec.pipeline[1].input'));
  });

  test('hands each step the desired state and context the step before returned', async () => {
    const first = record(
      respond((_req, rsp) => {
        rsp.desired = {
          composite: {
            resource: { status: { phase: 'one' } },
            connectionDetails: {},
            ready: Ready.READY_UNSPECIFIED,
          },
          resources: {
            note: {
              resource: { apiVersion: 'v1', kind: 'ConfigMap' },
              connectionDetails: {},
              ready: Ready.READY_TRUE,
            },
          },
        };
        setContextKey(rsp, 'example.org/handed-over', { from: 'first' });
      }),
    );
    const second = record(passThrough);
    await renderComposition({
      xr: XR,
      composition: compositionOf(step('first', 'fn-first'), step('second', 'fn-second')),
      functions: functionsNamed('fn-first', 'fn-second'),
      steps: { 'fn-first': first.run, 'fn-second': second.run },
    });

    expect(first.requests[0]?.desired).toEqual({ composite: undefined, resources: {} });
    expect(first.requests[0]?.context).toEqual({});
    expect(second.requests[0]?.desired).toEqual({
      composite: {
        resource: { status: { phase: 'one' } },
        connectionDetails: {},
        ready: Ready.READY_UNSPECIFIED,
      },
      resources: {
        note: {
          resource: { apiVersion: 'v1', kind: 'ConfigMap' },
          connectionDetails: {},
          ready: Ready.READY_TRUE,
        },
      },
    });
    expect(second.requests[0]?.context).toEqual({ 'example.org/handed-over': { from: 'first' } });
  });

  test.each([
    {
      name: 'the example Secret',
      reason: 'examples/composition/secrets.yaml carries the base64 of an empty key',
      given: SECRETS,
      want: Buffer.alloc(0),
    },
    {
      name: 'a Secret with a key',
      reason: 'render base64-decodes data, so the function gets the bytes, not the base64',
      given: [
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'claude', namespace: 'crossplane-system' },
          data: { ANTHROPIC_API_KEY: Buffer.from('sk-ant-test').toString('base64') },
        },
      ],
      want: Buffer.from('sk-ant-test'),
    },
  ])('sends $name as credential bytes: $reason', async ({ given, want }) => {
    const scaling = record(passThrough);
    await renderComposition({
      xr: XR,
      composition: COMPOSITION,
      functions: COMPOSITION_FUNCTIONS,
      credentials: given,
      steps: { [FUNCTION]: scaling.run },
    });

    expect(scaling.requests[0]?.credentials).toEqual({
      claude: { credentialData: { data: { ANTHROPIC_API_KEY: want } } },
    });
  });

  test('stops at the first FATAL result, as render exits non-zero', async () => {
    const later = record(passThrough);
    const outcome = await renderComposition({
      xr: XR,
      composition: compositionOf(step('failing', 'fn-failing'), step('later', 'fn-later')),
      functions: functionsNamed('fn-failing', 'fn-later'),
      steps: {
        'fn-failing': respond((_req, rsp) => {
          warning(rsp, 'first a warning');
          fatal(rsp, 'cannot read input: boom');
        }),
        'fn-later': later.run,
      },
    });

    expect(outcome).toMatchObject({
      ok: false,
      step: 'failing',
      error: 'pipeline step "failing" returned a fatal result: cannot read input: boom',
    });
    expect(later.requests).toHaveLength(0);
  });

  test('prints the XR, the composed resources with their Crossplane metadata, then the results', async () => {
    const outcome = await renderComposition({
      xr: XR,
      composition: COMPOSITION,
      functions: COMPOSITION_FUNCTIONS,
      observed: OBSERVED,
      credentials: SECRETS,
      includeResults: true,
      steps: {
        [FUNCTION]: respond((_req, rsp) => {
          normal(rsp, 'analysed');
        }),
      },
    });

    expect(outcome.ok && outcome.documents).toEqual([
      {
        apiVersion: 'aws.platform.upbound.io/v1alpha1',
        kind: 'XSQLInstance',
        metadata: { name: XR_NAME, namespace: 'default' },
        status: {
          conditions: [
            {
              type: 'Ready',
              status: 'True',
              reason: 'Available',
              lastTransitionTime: '2024-01-01T00:00:00Z',
            },
          ],
        },
      },
      {
        apiVersion: 'rds.aws.m.upbound.io/v1beta1',
        kind: 'Instance',
        metadata: {
          name: 'rds-metrics-database-ai-scale-7xq2k',
          namespace: 'default',
          annotations: { 'crossplane.io/composition-resource-name': 'rds-instance' },
          labels: { 'crossplane.io/composite': XR_NAME },
          ownerReferences: [
            {
              apiVersion: 'aws.platform.upbound.io/v1alpha1',
              kind: 'XSQLInstance',
              name: XR_NAME,
              uid: '',
              controller: true,
              blockOwnerDeletion: true,
            },
          ],
        },
        spec: {
          forProvider: {
            region: 'us-west-2',
            engine: 'mariadb',
            engineVersion: '10.11',
            allocatedStorage: 5,
            instanceClass: 'db.t3.micro',
            autoGeneratePassword: true,
            publiclyAccessible: true,
            passwordSecretRef: { name: 'mariadbsecret', key: 'password' },
            dbName: 'upbound',
            username: 'masteruser',
            skipFinalSnapshot: true,
            applyImmediately: true,
          },
          providerConfigRef: { kind: 'ClusterProviderConfig', name: 'default' },
        },
      },
      {
        apiVersion: 'render.crossplane.io/v1beta1',
        kind: 'Result',
        step: 'intelligent-scaling',
        severity: 'SEVERITY_NORMAL',
        message: 'analysed',
      },
    ]);
  });
});

describe('the call-again loop', () => {
  test.each([
    {
      name: 'found',
      reason: 'a selector that matches hands the matching objects to the second call',
      given: instanceSelector,
      want: [value(CLUSTER[1], 'metadata.name')],
    },
    {
      name: 'found none',
      reason: 'a selector that matches nothing still sends its key, with no items',
      given: {
        ...instanceSelector,
        matchLabels: { labels: { 'crossplane.io/composite': 'gone' } },
      },
      want: [],
    },
  ])(
    'calls again with the resources a response requires ($name): $reason',
    async ({ given, want }) => {
      const scaling = record(respond((_req, rsp) => requireResource(rsp, 'rds', given)));
      const outcome = await renderOperation({
        operation: operationOf(step('scale', FUNCTION)),
        functions: OPERATION_FUNCTIONS,
        clusterObjects: CLUSTER,
        steps: { [FUNCTION]: scaling.run },
      });

      expect(outcome.ok).toBe(true);
      expect(scaling.requests.map((r) => Object.keys(r.requiredResources))).toEqual([[], ['rds']]);
      const items = scaling.requests[1]?.requiredResources['rds']?.items ?? [];
      expect(items.map((item) => value(item.resource, 'metadata.name'))).toEqual(want);
    },
  );

  test('keeps the bootstrap requirements and hands on the context between calls', async () => {
    const scaling = record(
      respond((req, rsp) => {
        requireResource(rsp, 'rds', instanceSelector);
        setContextKey(rsp, 'example.org/calls', Object.keys(req.requiredResources).length);
      }),
    );
    const outcome = await renderOperation({
      operation: loadYamlDocument(examplePath('operation/cronoperation.yaml')),
      functions: OPERATION_FUNCTIONS,
      clusterObjects: CLUSTER,
      credentials: SECRETS,
      steps: { [FUNCTION]: scaling.run },
    });

    expect(outcome.ok).toBe(true);
    const [first, second] = scaling.requests;
    expect(first?.requiredResources['xsqlinstances']?.items.map((i) => i.resource)).toEqual([
      CLUSTER[0],
    ]);
    expect(Object.keys(second?.requiredResources ?? {}).sort()).toEqual(['rds', 'xsqlinstances']);
    expect(second?.context).toEqual({ 'example.org/calls': 1 });
    expect(first?.meta?.tag).toMatch(/^[0-9a-f]{64}$/);
  });

  test('gives up when the requirements still change after MAX_REQUIREMENTS_ITERATIONS more calls', async () => {
    let calls = 0;
    const restless = respond((_req, rsp) => {
      calls += 1;
      requireResource(rsp, `rds-${calls}`, instanceSelector);
    });
    const outcome = await renderOperation({
      operation: operationOf(step('scale', FUNCTION)),
      functions: OPERATION_FUNCTIONS,
      clusterObjects: CLUSTER,
      steps: { [FUNCTION]: restless },
    });

    expect(calls).toBe(1 + MAX_REQUIREMENTS_ITERATIONS);
    expect(outcome).toMatchObject({
      ok: false,
      error: `cannot run operation pipeline step "scale": requirements didn't stabilize after the maximum number of iterations (${MAX_REQUIREMENTS_ITERATIONS})`,
    });
  });

  test('does not call again after a FATAL result, whatever it requires', async () => {
    const scaling = record(
      respond((_req, rsp) => {
        requireResource(rsp, 'rds', instanceSelector);
        fatal(rsp, 'cannot decide');
      }),
    );
    const outcome = await renderOperation({
      operation: operationOf(step('scale', FUNCTION)),
      functions: OPERATION_FUNCTIONS,
      steps: { [FUNCTION]: scaling.run },
    });

    expect(scaling.requests).toHaveLength(1);
    expect(outcome).toMatchObject({
      ok: false,
      error: 'pipeline step "scale" returned a fatal result: cannot decide',
    });
  });
});

describe('renderOperation', () => {
  test('injects the watched resource into every step and prints the Operation with what it applies', async () => {
    const patch = {
      apiVersion: 'aws.platform.upbound.io/v1alpha1',
      kind: 'XSQLInstance',
      metadata: {
        name: XR_NAME,
        namespace: 'default',
        annotations: { 'intelligent-scaling/last-analyzed': 'now' },
      },
    };
    const scaling = record(
      respond((_req, rsp) => {
        if (rsp.desired !== undefined)
          rsp.desired.resources[XR_NAME] = {
            resource: patch,
            connectionDetails: {},
            ready: Ready.READY_UNSPECIFIED,
          };
        setOutput(rsp, { analysed: 1 });
      }),
    );
    const outcome = await renderOperation({
      operation: loadYamlDocument(examplePath('operation/watchoperation.yaml')),
      functions: OPERATION_FUNCTIONS,
      watched: WATCHED,
      credentials: SECRETS,
      steps: { [FUNCTION]: scaling.run },
    });

    const [req] = scaling.requests;
    expect(req?.observed).toBeUndefined();
    expect(req?.requiredResources[WATCHED_RESOURCE]?.items.map((i) => i.resource)).toEqual([
      WATCHED,
    ]);
    expect(outcome.ok && outcome.documents).toEqual([
      {
        apiVersion: 'ops.crossplane.io/v1alpha1',
        kind: 'Operation',
        metadata: { name: 'intelligent-scaling' },
        status: {
          appliedResourceRefs: [
            {
              apiVersion: 'aws.platform.upbound.io/v1alpha1',
              kind: 'XSQLInstance',
              name: XR_NAME,
              namespace: 'default',
            },
          ],
          pipeline: [{ step: 'intelligent-scaling', output: { analysed: 1 } }],
        },
      },
      patch,
    ]);
  });
});

describe('freshMetrics', () => {
  const now = new Date('2026-01-02T03:04:05.678Z');

  test('moves every metrics timestamp to just before now, keeping their spacing and precision', () => {
    const fresh = freshMetrics(WATCHED, now);

    expect(value(fresh, 'status.performanceMetrics.timestamp')).toBe(
      '2026-01-02T03:03:35.034106466Z',
    );
    expect(value(fresh, 'status.performanceMetrics.metrics.CPUUtilization.timestamp')).toBe(
      '2026-01-02T03:01:46Z',
    );
    expect(value(fresh, 'status.conditions')).toEqual(value(WATCHED, 'status.conditions'));
    expect(value(WATCHED, 'status.performanceMetrics.timestamp')).toBe(
      '2025-09-15T19:33:49.034106466Z',
    );
  });

  test('is what scripts/refresh-metrics.js prints, comments and all', () => {
    const script = fileURLToPath(new URL('../../scripts/refresh-metrics.js', import.meta.url));
    const run = spawnSync(process.execPath, [script, examplePath('composition/xr.yaml')], {
      encoding: 'utf8',
    });

    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^# The demo's database/);
    const printed = parse(run.stdout) as unknown;
    const ageMs =
      Date.now() - Date.parse(String(value(printed, 'status.performanceMetrics.timestamp')));
    expect(ageMs).toBeGreaterThan(0);
    expect(ageMs).toBeLessThan(5 * 60_000);
  });
});

describe('examples', () => {
  const expectedKinds: Record<string, string[]> = {
    'composition/composition.yaml': ['Composition'],
    'composition/definition.yaml': ['CompositeResourceDefinition'],
    'composition/functions.yaml': ['Function', 'Function'],
    'composition/observed.yaml': ['Instance'],
    'composition/secrets.yaml': ['Secret'],
    'composition/xr.yaml': ['XSQLInstance'],
    'operation/cronoperation.yaml': ['CronOperation'],
    'operation/functions.yaml': ['Function'],
    'operation/operation.yaml': ['Operation'],
    'operation/required-resources.yaml': ['XSQLInstance', 'Instance'],
    'operation/watched.yaml': ['XSQLInstance'],
    'operation/watchoperation.yaml': ['WatchOperation'],
  };

  test('lists every manifest under examples/', () => {
    // examples/traces/ holds replay traces, not manifests; test/tools/replay reads those.
    const manifests = exampleYamlFiles().filter((file) => !file.startsWith('traces/'));
    expect(manifests).toEqual(Object.keys(expectedKinds).sort());
  });

  test.each(Object.entries(expectedKinds))('%s parses and holds %j', (file, kinds) => {
    expect(loadExample(file).map((doc) => refOf(doc).kind)).toEqual(kinds);
  });

  test('required-resources.yaml holds the same XR as watched.yaml and the Instance of observed.yaml', () => {
    expect(CLUSTER).toEqual([WATCHED, OBSERVED[0]]);
  });

  test('secrets.yaml carries an empty ANTHROPIC_API_KEY', () => {
    expect(SECRETS.map(secretData)).toEqual([{ ANTHROPIC_API_KEY: Buffer.alloc(0) }]);
  });

  test.each([
    ['composition/composition.yaml', 'spec.pipeline[1].input'],
    ['operation/cronoperation.yaml', 'spec.operationTemplate.spec.pipeline[0].input'],
    ['operation/watchoperation.yaml', 'spec.operationTemplate.spec.pipeline[0].input'],
    ['operation/operation.yaml', 'spec.pipeline[0].input'],
  ])('%s gives the function an input it accepts', (file, path) => {
    const input = value(loadYamlDocument(examplePath(file)), path);

    expect(PromptSchema.safeParse(input).error).toBeUndefined();
  });
});
