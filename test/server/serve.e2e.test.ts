/**
 * End-to-end tests of the built server (dist/main.js) as its own process: serving insecure and
 * with mutual TLS, refusing to start with one clear line, limiting message size, and draining on
 * SIGTERM. Every server listens on a port the system picks, so files can run in parallel.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as grpc from '@grpc/grpc-js';
import { RunFunctionRequest } from '@crossplane-org/function-sdk-typescript';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';

import { FUNCTION_RUNNER_SERVICE } from '../../src/server/health.js';
import { STOPPED_MESSAGE } from '../../src/server/grpc-server.js';
import { generateCertificates } from '../harness/certificates.js';
import type { TestCertificates } from '../harness/certificates.js';
import {
  insecureCredentials,
  newFunctionClient,
  newHealthClient,
  tlsCredentials,
} from '../harness/grpc-client.js';
import { runServer, startServer } from '../harness/server-process.js';
import type { ServerProcess } from '../harness/server-process.js';

const MIB = 1024 * 1024;

/** aRequest is a small request with a tag and a desired state to pass through. */
function aRequest(tag: string, context: Record<string, unknown> = {}): RunFunctionRequest {
  return RunFunctionRequest.fromPartial({
    meta: { tag },
    desired: {
      composite: { resource: { apiVersion: 'example.org/v1', kind: 'XDatabase' } },
      resources: {
        rds: {
          resource: {
            apiVersion: 'rds.aws.upbound.io/v1beta1',
            kind: 'Instance',
            spec: { forProvider: { instanceClass: 'db.t3.micro' } },
          },
        },
      },
    },
    context,
  });
}

function portOf(address: AddressInfo | string | null): number {
  if (address === null || typeof address === 'string') {
    throw new Error(`not a TCP address: ${String(address)}`);
  }
  return address.port;
}

const servers: ServerProcess[] = [];

/** serve starts a server that afterEach stops, even when the test fails. */
async function serve(...args: Parameters<typeof startServer>): Promise<ServerProcess> {
  const server = await startServer(...args);
  servers.push(server);
  return server;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

describe('an insecure server', () => {
  test('reports SERVING for the server and for FunctionRunnerService', async () => {
    const server = await serve({ args: ['--insecure'] });
    const health = newHealthClient(server.address, insecureCredentials());
    try {
      expect(await health.check('')).toBe('SERVING');
      expect(await health.check(FUNCTION_RUNNER_SERVICE)).toBe('SERVING');
    } finally {
      health.close();
    }
  });

  test('answers RunFunction with the tag and the desired state passed through', async () => {
    const server = await serve({ args: ['--insecure'] });
    const client = newFunctionClient(server.address, insecureCredentials());
    const req = aRequest('tag-1');
    try {
      const rsp = await client.runFunction(req);
      expect(rsp.meta?.tag).toBe('tag-1');
      expect(rsp.desired).toEqual(req.desired);
    } finally {
      client.close();
    }
  });

  test('refuses a message over --max-recv-message-size and keeps answering', async () => {
    const server = await serve({ args: ['--insecure', '--max-recv-message-size', '1'] });
    const client = newFunctionClient(server.address, insecureCredentials());
    try {
      const big = aRequest('big', { blob: 'x'.repeat(2 * MIB) });
      await expect(client.runFunction(big)).rejects.toMatchObject({
        code: grpc.status.RESOURCE_EXHAUSTED,
      });
      const rsp = await client.runFunction(aRequest('small'));
      expect(rsp.meta?.tag).toBe('small');
    } finally {
      client.close();
    }
  });

  test('drains on SIGTERM, logs that it stopped, and exits 0', async () => {
    const server = await startServer({ args: ['--insecure'] });
    const exit = await server.stop({ signal: 'SIGTERM' });
    expect(exit).toEqual({ code: 0, signal: null });
    expect(server.logs().filter((line) => line.msg === STOPPED_MESSAGE)).toHaveLength(1);
    expect(server.stderr).toEqual([]);
  });
});

describe('a server with mutual TLS', () => {
  let certs: TestCertificates;
  let server: ServerProcess;

  beforeAll(async () => {
    certs = await generateCertificates();
    server = await startServer({
      args: ['--tls-server-certs-dir', certs.serverDir],
      credentials: tlsCredentials({ ca: certs.ca.cert, client: certs.client }),
    });
  });

  afterAll(async () => {
    await server.stop();
    await certs.remove();
  });

  test('logs that it serves with TLS', () => {
    expect(server.logs()).toContainEqual(
      expect.objectContaining({ msg: 'started serving', tls: true }),
    );
  });

  test('answers a client whose certificate the CA signed', async () => {
    const trusted = tlsCredentials({ ca: certs.ca.cert, client: certs.client });
    const client = newFunctionClient(server.address, trusted);
    try {
      const rsp = await client.runFunction(aRequest('mtls'));
      expect(rsp.meta?.tag).toBe('mtls');
    } finally {
      client.close();
    }
  });

  interface Refusal {
    readonly name: string;
    readonly reason: string;
    readonly given: () => grpc.ChannelCredentials;
    readonly want: grpc.status;
  }

  const refusals: readonly Refusal[] = [
    {
      name: 'a client with no certificate',
      reason: 'Crossplane always presents one; anyone else must not reach RunFunction',
      given: () => tlsCredentials({ ca: certs.ca.cert }),
      want: grpc.status.UNAVAILABLE,
    },
    {
      name: 'a client whose certificate another CA signed',
      reason: 'only certificates signed by ca.crt are trusted',
      given: () => tlsCredentials({ ca: certs.ca.cert, client: certs.untrustedClient }),
      want: grpc.status.UNAVAILABLE,
    },
    {
      name: 'a client without TLS',
      reason: 'TLS is the default; plaintext must not get through',
      given: () => insecureCredentials(),
      want: grpc.status.UNAVAILABLE,
    },
  ];

  test.each(refusals)('refuses $name', async ({ given, want }) => {
    const client = newFunctionClient(server.address, given());
    try {
      await expect(
        client.runFunction(aRequest('refused'), { deadlineMs: 5_000 }),
      ).rejects.toMatchObject({ code: want });
    } finally {
      client.close();
    }
  });
});

describe('a server that cannot start', () => {
  let emptyDir: string;
  let holder: Server;
  let heldPort: number;

  beforeAll(async () => {
    emptyDir = await mkdtemp(join(tmpdir(), 'function-no-certs-'));
    holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    heldPort = portOf(holder.address());
  });

  afterAll(async () => {
    await new Promise((resolve) => holder.close(resolve));
    await rm(emptyDir, { recursive: true, force: true });
  });

  interface Refusal {
    readonly name: string;
    readonly reason: string;
    readonly given: () => readonly string[];
    readonly want: { readonly code: number; readonly stderr: () => string };
  }

  const refusals: readonly Refusal[] = [
    {
      name: 'missing certificates',
      reason: 'without --insecure the server must never fall back to plaintext',
      given: () => ['--address', '127.0.0.1:0', '--tls-server-certs-dir', emptyDir],
      want: {
        code: 1,
        stderr: () =>
          `cannot load TLS certificates from "${emptyDir}": "tls.crt" does not exist (use --insecure to serve without TLS)`,
      },
    },
    {
      name: 'a port in use',
      reason: 'exiting 0 here, as the SDK does, would hide the failure from Kubernetes',
      given: () => ['--insecure', '--address', `127.0.0.1:${heldPort}`],
      want: {
        code: 1,
        stderr: () => `cannot listen on "127.0.0.1:${heldPort}": address already in use`,
      },
    },
    {
      name: 'an unknown flag',
      reason: 'a usage error exits 2, like other command-line tools',
      given: () => ['--insecure', '--no-such-flag'],
      want: {
        code: 2,
        stderr: () => 'cannot parse flags: unknown flag "--no-such-flag" (see --help)',
      },
    },
  ];

  test.each(refusals)('exits at once with one line for $name', async ({ given, want }) => {
    const result = await runServer(given(), { timeoutMs: 10_000 });
    expect(result).toMatchObject({ code: want.code, signal: null, stderr: [want.stderr()] });
    expect(result.stderr.join('\n')).not.toContain('    at ');
    expect(result.durationMs).toBeLessThan(5_000);
  });

  test('prints help and exits 0', async () => {
    const result = await runServer(['--help']);
    expect(result).toMatchObject({ code: 0, stderr: [] });
    expect(result.stdout[0]).toBe('Usage: function-intelligent-scaling [flags]');
  });
});
