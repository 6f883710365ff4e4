/**
 * The examples end to end: the built server as its own process, driven over gRPC with the YAML
 * in examples/ exactly as `crossplane render` and Crossplane's Operations send it. The
 * composition runs over mutual TLS with certificates made for the test.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { generateCertificates } from '../harness/certificates.js';
import { FUNCTION_NAME, renderCompositionExample } from '../harness/examples.js';
import type { TestCertificates } from '../harness/certificates.js';
import { newFunctionClient, tlsCredentials, insecureCredentials } from '../harness/grpc-client.js';
import type { FunctionClient } from '../harness/grpc-client.js';
import { freshMetrics, renderOperation } from '../harness/render.js';
import type { KubeObject } from '../harness/objects.js';
import { startServer } from '../harness/server-process.js';
import type { ServerProcess } from '../harness/server-process.js';
import { examplePath, loadExample, loadYamlDocument } from '../harness/yaml-docs.js';

const FUNCTION = FUNCTION_NAME;

function composition(client: FunctionClient, xr?: KubeObject) {
  return renderCompositionExample((req) => client.runFunction(req), {
    ...(xr !== undefined && { xr }),
    includeResults: true,
  });
}

describe('the composition example over mutual TLS', () => {
  let certs: TestCertificates;
  let server: ServerProcess;
  let client: FunctionClient;

  beforeAll(async () => {
    certs = await generateCertificates();
    const credentials = tlsCredentials({ ca: certs.ca.cert, client: certs.client });
    server = await startServer({ args: ['--tls-server-certs-dir', certs.serverDir], credentials });
    client = newFunctionClient(server.address, credentials);
  });

  afterAll(async () => {
    client.close();
    await server.stop();
    await certs.remove();
  });

  test('a pegged CPU moves the composed RDS Instance from db.t3.micro to db.t3.small', async () => {
    const out = await composition(client);
    if (!out.ok) throw new Error(out.error);
    const [xr, instance, ...results] = out.documents;
    expect(instance).toMatchObject({
      apiVersion: 'rds.aws.m.upbound.io/v1beta1',
      kind: 'Instance',
      metadata: {
        annotations: {
          'crossplane.io/composition-resource-name': 'rds-instance',
          'intelligent-scaling/last-verdict': 'ScaleUp',
          'intelligent-scaling/instance-class': 'db.t3.small',
          'intelligent-scaling/base-class': 'db.t3.micro',
          'intelligent-scaling/decided-by': 'rules',
        },
      },
      spec: { forProvider: { instanceClass: 'db.t3.small', engine: 'mariadb' } },
    });
    const reasoning =
      'Scale up from db.t3.micro to db.t3.small: CPU 96.4% > 85%, free memory 9% < 15%.';
    expect(xr).toMatchObject({
      status: { intelligentScaling: { instanceClass: 'db.t3.small', lastDecision: reasoning } },
    });
    expect(results).toMatchObject([
      { severity: 'SEVERITY_NORMAL', message: `${reasoning} (decided by rules)` },
    ]);
    expect(out.calls.at(-1)?.response.results.map((r) => r.reason)).toEqual(['ScaledUp']);
  });

  test('the first call carries an empty tag and the credential as bytes, as render sends them', async () => {
    const out = await composition(client);
    const call = out.calls.find((c) => c.functionName === FUNCTION);
    expect(call?.request.meta?.tag).toBe('');
    expect(call?.request.credentials['claude']?.credentialData?.data['ANTHROPIC_API_KEY']).toEqual(
      Buffer.from(''),
    );
    expect(call?.response.meta?.tag).toBe('');
  });

  test('the example as shipped has stale metrics: nothing is resized', async () => {
    const out = await composition(client, loadYamlDocument(examplePath('composition/xr.yaml')));
    if (!out.ok) throw new Error(out.error);
    const [xr, instance, ...results] = out.documents;
    expect(instance).toMatchObject({ spec: { forProvider: { instanceClass: 'db.t3.micro' } } });
    expect(xr).toMatchObject({
      status: { intelligentScaling: { skipped: { reason: 'UnusableMetrics' } } },
    });
    expect(results).toMatchObject([{ severity: 'SEVERITY_WARNING' }]);
    expect(out.calls.at(-1)?.response.results.map((r) => r.reason)).toEqual(['UnusableMetrics']);
  });
});

describe('the Operation examples', () => {
  let server: ServerProcess;
  let client: FunctionClient;
  const now = new Date();
  const cluster = () =>
    loadExample('operation/required-resources.yaml').map((o) => freshMetrics(o, now));

  beforeAll(async () => {
    server = await startServer({ args: ['--insecure'] });
    client = newFunctionClient(server.address, insecureCredentials());
  });

  afterAll(async () => {
    client.close();
    await server.stop();
  });

  test.each(['operation/cronoperation.yaml', 'operation/operation.yaml'])(
    '%s resizes the selected XSQLInstance after asking for its RDS Instance',
    async (file) => {
      const out = await renderOperation({
        operation: loadYamlDocument(examplePath(file)),
        functions: loadExample('operation/functions.yaml'),
        clusterObjects: cluster(),
        credentials: loadExample('composition/secrets.yaml'),
        steps: { [FUNCTION]: (req) => client.runFunction(req) },
        includeResults: true,
      });
      if (!out.ok) throw new Error(out.error);
      expect(out.calls.map((c) => c.iteration)).toEqual([0, 1]);
      expect(out.calls[1]?.request.requiredResources).toHaveProperty(
        [
          'intelligent-scaling/rds-instance/default/rds-metrics-database-ai-scale',
          'items',
          'length',
        ],
        1,
      );
      expect(out.resources).toMatchObject([
        {
          apiVersion: 'aws.platform.upbound.io/v1alpha1',
          kind: 'XSQLInstance',
          metadata: {
            name: 'rds-metrics-database-ai-scale',
            namespace: 'default',
            annotations: { 'intelligent-scaling/last-verdict': 'ScaleUp' },
          },
          spec: { parameters: { instanceClass: 'db.t3.small' } },
        },
      ]);
      expect(Object.keys(out.resources[0] ?? {}).sort()).toEqual([
        'apiVersion',
        'kind',
        'metadata',
        'spec',
      ]);
      expect(out.outputs).toMatchObject([
        { output: { decisions: [{ decision: 'ScaleUp', instanceClass: 'db.t3.small' }] } },
      ]);
    },
  );

  test('the WatchOperation decides the watched resource', async () => {
    const out = await renderOperation({
      operation: loadYamlDocument(examplePath('operation/watchoperation.yaml')),
      functions: loadExample('operation/functions.yaml'),
      watched: freshMetrics(loadYamlDocument(examplePath('operation/watched.yaml')), now),
      clusterObjects: cluster().filter((o) => o['kind'] === 'Instance'),
      credentials: loadExample('composition/secrets.yaml'),
      steps: { [FUNCTION]: (req) => client.runFunction(req) },
    });
    if (!out.ok) throw new Error(out.error);
    expect(out.resources).toMatchObject([
      { spec: { parameters: { instanceClass: 'db.t3.small' } } },
    ]);
  });
});
