/**
 * The metrics endpoint end to end: the built server as its own process, driven over gRPC with
 * the composition example, scraped over HTTP at /metrics; served nowhere when the flag is empty;
 * and refused with one line when its port is taken.
 */
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server } from 'node:net';

import { RunFunctionRequest } from '@crossplane-org/function-sdk-typescript';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';

import { METRICS_MESSAGE, METRICS_PATH } from '../../src/telemetry/metrics-server.js';
import { renderCompositionExample } from '../harness/examples.js';
import { insecureCredentials, newFunctionClient } from '../harness/grpc-client.js';
import type { FunctionClient } from '../harness/grpc-client.js';
import { runServer, startServer } from '../harness/server-process.js';
import type { ServerProcess } from '../harness/server-process.js';

const PREFIX = 'function_intelligent_scaling_';

/** renderExample renders the composition example, with fresh metrics, through client. */
function renderExample(client: FunctionClient) {
  return renderCompositionExample((req) => client.runFunction(req));
}

/** scrape fetches /metrics and returns its sample lines. */
async function scrape(address: string): Promise<string[]> {
  const rsp = await fetch(`http://${address}${METRICS_PATH}`);
  expect(rsp.status).toBe(200);
  expect(rsp.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  return (await rsp.text()).split('\n').filter((line) => line.startsWith(PREFIX));
}

/** listeningPorts lists the TCP ports a process listens on, from its sockets in /proc. */
function listeningPorts(pid: number): number[] {
  const inodes = new Set(
    readdirSync(`/proc/${pid}/fd`).flatMap((fd) => {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      return match?.[1] === undefined ? [] : [match[1]];
    }),
  );
  const rows = ['tcp', 'tcp6'].flatMap((table) =>
    readFileSync(`/proc/${pid}/net/${table}`, 'utf8').trim().split('\n').slice(1),
  );
  // Columns: sl local_address rem_address st ... inode; state 0A is LISTEN.
  return rows
    .map((row) => row.trim().split(/\s+/))
    .filter((cols) => cols[3] === '0A' && inodes.has(cols[9] ?? ''))
    .map((cols) => parseInt(cols[1]?.split(':')[1] ?? '', 16))
    .sort((a, b) => a - b);
}

describe('a server with metrics', () => {
  let server: ServerProcess;
  let client: FunctionClient;
  let metricsAddress: string;

  beforeAll(async () => {
    server = await startServer({ args: ['--insecure', '--metrics-address', '127.0.0.1:0'] });
    client = newFunctionClient(server.address, insecureCredentials());
    metricsAddress = await server.metricsAddress();
  });

  afterAll(async () => {
    client.close();
    await server.stop();
  });

  test('logs where it serves metrics', () => {
    expect(server.logs()).toContainEqual(
      expect.objectContaining({ level: 'info', msg: METRICS_MESSAGE, path: METRICS_PATH }),
    );
    expect(metricsAddress).toMatch(/^127\.0\.0\.1:[1-9][0-9]*$/);
  });

  test('counts calls, decisions and durations as requests are answered', async () => {
    const ok = `${PREFIX}run_function_calls_total{mode="composition",outcome="ok"}`;
    const fatal = `${PREFIX}run_function_calls_total{mode="operation",outcome="fatal"}`;
    const scaleUp = `${PREFIX}decisions_total{action="scale_up",reason="none",advisor="rules",recommend_only="false"}`;
    const timed = `${PREFIX}run_function_duration_seconds_count{mode="composition",outcome="ok"}`;
    const before = await scrape(metricsAddress);
    expect(before).toContain(`${ok} 0`);
    expect(before).toContain(`${fatal} 0`);

    for (let i = 0; i < 2; i++) {
      const out = await renderExample(client);
      if (!out.ok) throw new Error(out.error);
    }
    const invalidInput = RunFunctionRequest.fromPartial({
      input: { apiVersion: 'example.org/v1', kind: 'NotAPrompt' },
    });
    await client.runFunction(invalidInput);

    const after = await scrape(metricsAddress);
    expect(after).toContain(`${ok} 2`);
    expect(after).toContain(`${fatal} 1`);
    expect(after).toContain(`${scaleUp} 2`);
    expect(after).toContain(`${timed} 2`);
  });

  test('answers any other path with 404', async () => {
    const rsp = await fetch(`http://${metricsAddress}/`);
    expect(rsp.status).toBe(404);
  });
});

describe('a server with an empty --metrics-address', () => {
  let server: ServerProcess;

  beforeAll(async () => {
    server = await startServer({ args: ['--insecure', '--metrics-address', ''] });
  });

  afterAll(async () => {
    await server.stop();
  });

  test('listens on the gRPC port only and logs no metrics address', () => {
    expect(listeningPorts(server.pid)).toEqual([server.port]);
    expect(server.logs().map((line) => line.msg)).not.toContain(METRICS_MESSAGE);
  });
});

describe('a metrics port in use', () => {
  const holders: Server[] = [];

  afterEach(async () => {
    await Promise.all(
      holders.splice(0).map((holder) => new Promise((resolve) => holder.close(resolve))),
    );
  });

  test('exits 1 at once with one line', async () => {
    const holder = createServer();
    holders.push(holder);
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const address = holder.address();
    if (address === null || typeof address === 'string') throw new Error('not a TCP address');
    const taken = `127.0.0.1:${address.port}`;
    const result = await runServer(
      ['--insecure', '--address', '127.0.0.1:0', '--metrics-address', taken],
      { timeoutMs: 10_000 },
    );
    expect(result).toMatchObject({
      code: 1,
      signal: null,
      stderr: [`cannot serve metrics on "${taken}": address already in use`],
    });
    expect(result.durationMs).toBeLessThan(5_000);
  });
});

describe('a drain', () => {
  test('stops the metrics server too, even with a scrape connection kept alive', async () => {
    const server = await startServer({ args: ['--insecure'] });
    await scrape(await server.metricsAddress());
    const started = performance.now();
    expect(await server.stop()).toEqual({ code: 0, signal: null });
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
