/**
 * Claude end to end over gRPC: the built server as its own process, the key supplied as the
 * step's Secret exactly as `crossplane render --function-credentials` sends it, the real SDK
 * reaching a local fake of the Messages API through ANTHROPIC_BASE_URL, and the key nowhere in
 * the logs (at debug level), the results, the annotations or the status; then a failing Messages
 * API, counted in /metrics, with the key still nowhere in the logs.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { startFakeMessagesApi } from '../../tools/fake-messages-api/server.js';
import type { FakeMessagesApi } from '../../tools/fake-messages-api/server.js';
import { renderCompositionExample } from '../harness/examples.js';
import { insecureCredentials, newFunctionClient } from '../harness/grpc-client.js';
import type { FunctionClient } from '../harness/grpc-client.js';
import { startServer } from '../harness/server-process.js';
import type { ServerProcess } from '../harness/server-process.js';
import { loadExample } from '../harness/yaml-docs.js';

const KEY = 'sk-ant-api03-e2e-secret-key-fedcba9876543210';

const PREFIX = 'function_intelligent_scaling_';

/** renderWithKey renders the composition example with the key as the step's Secret. */
function renderWithKey(client: FunctionClient) {
  return renderCompositionExample((req) => client.runFunction(req), {
    credentials: [secretWithKey(KEY)],
    includeResults: true,
  });
}

function secretWithKey(key: string) {
  const [secret] = loadExample('composition/secrets.yaml');
  return { ...secret, data: { ANTHROPIC_API_KEY: Buffer.from(key).toString('base64') } };
}

describe('Claude as the advisor over gRPC', () => {
  let fake: FakeMessagesApi;
  let server: ServerProcess;
  let client: FunctionClient;

  beforeAll(async () => {
    fake = await startFakeMessagesApi({ policy: 'follow' });
    server = await startServer({
      args: ['--insecure', '--debug'],
      env: { ANTHROPIC_BASE_URL: fake.url },
    });
    client = newFunctionClient(server.address, insecureCredentials());
  });

  afterAll(async () => {
    client.close();
    await server.stop();
    await fake.close();
  });

  test('the key from the Secret reaches the model, and the model decides inside the guardrails', async () => {
    const out = await renderWithKey(client);
    if (!out.ok) throw new Error(out.error);
    expect(fake.requests[0]?.headers['authorization']).toBe(`Bearer ${KEY}`);
    const [xr, instance] = out.documents;
    expect(instance).toMatchObject({
      spec: { forProvider: { instanceClass: 'db.t3.small' } },
      metadata: { annotations: { 'intelligent-scaling/decided-by': 'claude/claude-haiku-4-5' } },
    });
    expect(xr).toMatchObject({
      status: { intelligentScaling: { decidedBy: 'claude/claude-haiku-4-5' } },
    });
    expect(JSON.stringify(out.documents)).not.toContain(KEY);
    expect(JSON.stringify(out.calls.map((c) => c.response))).not.toContain(KEY);
  });

  test('no log line, at any level, contains the key', async () => {
    await server.waitForLog((line) => line.msg === 'model answered');
    const lines = [...server.stdout, ...server.stderr];
    expect(lines.some((line) => line.includes('"level":"debug"'))).toBe(true);
    expect(lines.filter((line) => line.includes(KEY))).toEqual([]);
  });
});

describe('a failing Messages API over gRPC', () => {
  let fake: FakeMessagesApi;
  let server: ServerProcess;
  let client: FunctionClient;
  let metricsAddress: string;

  beforeAll(async () => {
    fake = await startFakeMessagesApi({ policy: { name: 'status:500' } });
    server = await startServer({
      args: ['--insecure', '--debug', '--metrics-address', '127.0.0.1:0'],
      env: { ANTHROPIC_BASE_URL: fake.url },
    });
    client = newFunctionClient(server.address, insecureCredentials());
    metricsAddress = await server.metricsAddress();
  });

  afterAll(async () => {
    client.close();
    await server.stop();
    await fake.close();
  });

  test('the rules decide, the failures are counted, and no log line contains the key', async () => {
    const out = await renderWithKey(client);
    if (!out.ok) throw new Error(out.error);
    const [, instance, ...results] = out.documents;
    expect(instance).toMatchObject({
      spec: { forProvider: { instanceClass: 'db.t3.small' } },
      metadata: { annotations: { 'intelligent-scaling/decided-by': 'rules' } },
    });
    expect(results).toContainEqual(
      expect.objectContaining({
        severity: 'SEVERITY_WARNING',
        message:
          'cannot get advice from the model: unavailable: HTTP 500 from the Messages API; the rules decided',
      }),
    );
    const rsp = await fetch(`http://${metricsAddress}/metrics`);
    const samples = (await rsp.text()).split('\n');
    expect(samples).toContain(`${PREFIX}model_requests_total{outcome="unavailable"} 1`);
    expect(samples).toContain(`${PREFIX}advisor_fallbacks_total{cause="unavailable"} 1`);
    expect(samples).toContain(
      `${PREFIX}decisions_total{action="scale_up",reason="none",advisor="rules",recommend_only="false"} 1`,
    );
    // Three HTTP requests (the SDK retried twice) made one model request, as the function sees it.
    expect(fake.calls).toBe(3);
    await server.waitForLog((line) => line.msg === 'model call failed');
    const lines = [...server.stdout, ...server.stderr];
    expect(lines.filter((line) => line.includes(KEY))).toEqual([]);
  });
});
