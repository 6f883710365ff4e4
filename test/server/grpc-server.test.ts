/**
 * In-process tests of the gRPC server: how the RunFunction handler answers when RunFunction
 * fails, how a drain treats in-flight requests, and how bind errors read.
 */
import * as grpc from '@grpc/grpc-js';
import {
  FunctionRunnerServiceService,
  RunFunctionRequest,
  Severity,
  to,
} from '@crossplane-org/function-sdk-typescript';
import type { RunFunctionResponse } from '@crossplane-org/function-sdk-typescript';
import { afterEach, describe, expect, test } from 'vitest';
import { z } from 'zod';

import type { RunFunction } from '../../src/function/run-function.js';
import { newLogger } from '../../src/logger.js';
import { INTERNAL_ERROR_MESSAGE } from '../../src/server/function-runner-service.js';
import {
  STARTED_MESSAGE,
  STOPPED_MESSAGE,
  bindFailure,
  startFunctionServer,
} from '../../src/server/grpc-server.js';
import type { FunctionServer } from '../../src/server/grpc-server.js';
import { insecureCredentials, newFunctionClient } from '../harness/grpc-client.js';
import type { FunctionClient } from '../harness/grpc-client.js';

const MIB = 1024 * 1024;

const logRecord = z.record(z.string(), z.unknown());

type LogRecord = z.infer<typeof logRecord>;

/** Started is an in-process server with a client connected and the lines it logged. */
interface Started {
  readonly server: FunctionServer;
  readonly client: FunctionClient;
  readonly logs: LogRecord[];
}

const cleanups: (() => void)[] = [];

afterEach(() => {
  for (const cleanup of cleanups.splice(0)) {
    cleanup();
  }
});

/** start serves runFunction insecurely on a free port, with a 1 MiB request limit. */
async function start(runFunction: RunFunction): Promise<Started> {
  const logs: LogRecord[] = [];
  const logger = newLogger({
    debug: true,
    destination: {
      write: (line: string) => {
        logs.push(logRecord.parse(JSON.parse(line)));
      },
    },
  });
  const server = await startFunctionServer(
    {
      address: '127.0.0.1:0',
      insecure: true,
      tlsServerCertsDir: '/nonexistent',
      maxRecvMessageSizeMiB: 1,
    },
    { logger, runFunction },
  );
  const client = newFunctionClient(server.address, insecureCredentials());
  cleanups.push(() => {
    client.close();
    server.stopNow();
  });
  return { server, client, logs };
}

/** gate is a promise the test resolves when it chooses. */
function gate<T>(): { promise: Promise<T>; open: (value: T) => void } {
  let open: (value: T) => void = () => undefined;
  const promise = new Promise<T>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

const request = RunFunctionRequest.fromPartial({
  meta: { tag: 'tag-7' },
  desired: { resources: { rds: { resource: { kind: 'Instance' } } } },
});

const fatalResponse = (message: string) => ({
  meta: { tag: 'tag-7', ttl: { seconds: 60, nanos: 0 } },
  desired: request.desired,
  results: [{ severity: Severity.SEVERITY_FATAL, message }],
  conditions: [],
});

/** tooLarge is a response over the 2 MiB send limit of a server with a 1 MiB request limit. */
function tooLarge(req: RunFunctionRequest): RunFunctionResponse {
  return { ...to(req), context: { blob: 'x'.repeat(3 * MIB) } };
}

function encodedSize(rsp: RunFunctionResponse): number {
  return FunctionRunnerServiceService.runFunction.responseSerialize(rsp).length;
}

describe('the RunFunction handler', () => {
  interface Case {
    readonly name: string;
    readonly reason: string;
    readonly given: RunFunction;
    readonly want: { readonly response: object; readonly logMessage: string };
  }

  const cases: readonly Case[] = [
    {
      name: 'a RunFunction that rejects',
      reason: 'an exception must never reach the wire; Crossplane must apply nothing',
      given: () => Promise.reject(new Error('bug: undefined is not a function')),
      want: {
        response: fatalResponse(INTERNAL_ERROR_MESSAGE),
        logMessage: 'RunFunction failed; answering with a FATAL result',
      },
    },
    {
      name: 'a RunFunction that throws before returning a promise',
      reason: 'a synchronous throw is the same bug and gets the same answer',
      given: () => {
        throw new Error('bug: thrown synchronously');
      },
      want: {
        response: fatalResponse(INTERNAL_ERROR_MESSAGE),
        logMessage: 'RunFunction failed; answering with a FATAL result',
      },
    },
    {
      name: 'a response that cannot be encoded',
      reason: 'an encoding failure would otherwise reach Crossplane as a gRPC INTERNAL error',
      given: (req) => Promise.resolve({ ...to(req), context: { count: 10n } }),
      want: {
        response: fatalResponse(INTERNAL_ERROR_MESSAGE),
        logMessage: 'RunFunction failed; answering with a FATAL result',
      },
    },
    {
      name: 'a response over the send limit',
      reason: 'a FATAL result says what went wrong; RESOURCE_EXHAUSTED would not',
      given: (req) => Promise.resolve(tooLarge(req)),
      want: {
        response: fatalResponse(
          `cannot send response: it is ${encodedSize(tooLarge(request))} bytes, over the limit of ${2 * MIB}`,
        ),
        logMessage: 'response too large',
      },
    },
  ];

  test.each(cases)('answers $name with a FATAL result', async ({ given, want }) => {
    const { client, logs } = await start(given);
    const rsp: RunFunctionResponse = await client.runFunction(request);
    expect(rsp).toEqual(want.response);
    expect(logs).toContainEqual(
      expect.objectContaining({ level: 'error', msg: want.logMessage, tag: 'tag-7' }),
    );
  });

  test('logs the error with its stack under err', async () => {
    const { client, logs } = await start(() => Promise.reject(new Error('bug')));
    await client.runFunction(request);
    const logged = logs.find((line) => line['level'] === 'error');
    expect(logged?.['err']).toMatchObject({ type: 'Error', message: 'bug' });
    expect(JSON.stringify(logged?.['err'])).toContain('    at ');
  });

  test('passes a good response through and logs at info only when starting', async () => {
    const { client, logs } = await start((req) => Promise.resolve(to(req)));
    const rsp = await client.runFunction(request);
    expect(rsp.meta?.tag).toBe('tag-7');
    expect(rsp.results).toEqual([]);
    const info = logs.filter((line) => line['level'] === 'info');
    expect(info.map((line) => line['msg'])).toEqual([STARTED_MESSAGE]);
    expect(info[0]?.['address']).toMatch(/^127\.0\.0\.1:[1-9][0-9]*$/);
  });
});

describe('drain', () => {
  test('lets an in-flight request finish, then stops', async () => {
    const entered = gate<undefined>();
    const release = gate<undefined>();
    const { server, client, logs } = await start(async (req) => {
      entered.open(undefined);
      await release.promise;
      return to(req);
    });
    const answer = client.runFunction(request);
    await entered.promise;
    const drained = server.drain(5_000);
    release.open(undefined);
    await expect(answer).resolves.toMatchObject({ meta: { tag: 'tag-7' } });
    await drained;
    expect(logs).toContainEqual(expect.objectContaining({ msg: STOPPED_MESSAGE, forced: false }));
  });

  test('cuts off a request that outlives the timeout', async () => {
    const entered = gate<undefined>();
    const { server, client, logs } = await start(() => {
      entered.open(undefined);
      return new Promise<RunFunctionResponse>(() => undefined);
    });
    const answer = client.runFunction(request);
    await entered.promise;
    const started = performance.now();
    await server.drain(200);
    expect(performance.now() - started).toBeLessThan(2_000);
    await expect(answer).rejects.toHaveProperty('code');
    expect(logs).toContainEqual(expect.objectContaining({ msg: STOPPED_MESSAGE, forced: true }));
  });

  test('stops at once when asked during a drain', async () => {
    const entered = gate<undefined>();
    const { server, client } = await start(() => {
      entered.open(undefined);
      return new Promise<RunFunctionResponse>(() => undefined);
    });
    const answer = client.runFunction(request);
    await entered.promise;
    const drained = server.drain(60_000);
    server.stopNow();
    await drained;
    await expect(answer).rejects.toHaveProperty('code');
  });

  test('refuses new requests once drained', async () => {
    const { server, client } = await start((req) => Promise.resolve(to(req)));
    await server.drain(1_000);
    await expect(client.runFunction(request, { deadlineMs: 2_000 })).rejects.toMatchObject({
      code: grpc.status.UNAVAILABLE,
    });
  });

  test('joins a drain already under way', async () => {
    const { server } = await start((req) => Promise.resolve(to(req)));
    expect(server.drain(1_000)).toBe(server.drain(1_000));
    await server.drain(1_000);
  });
});

describe('bindFailure', () => {
  interface Case {
    readonly name: string;
    readonly reason: string;
    readonly given: string;
    readonly want: string;
  }

  const cases: readonly Case[] = [
    {
      name: 'port in use',
      reason: 'the most common failure reads as plain words',
      given:
        'No address added out of total 1 resolved errors: [listen EADDRINUSE: address already in use 127.0.0.1:9443]',
      want: 'address already in use',
    },
    {
      name: 'address not on this machine',
      reason: 'a wrong --address host is a configuration mistake',
      given:
        'No address added out of total 1 resolved errors: [listen EADDRNOTAVAIL: address not available 10.9.9.9]',
      want: 'address not available on this machine',
    },
    {
      name: 'privileged port',
      reason: 'the function runs as a non-root user',
      given: 'No address added out of total 1 resolved errors: [listen EACCES: permission denied]',
      want: 'permission denied',
    },
    {
      name: 'unknown host',
      reason: 'a host that does not resolve',
      given: 'Name resolution failed for target dns:nowhere.invalid:9443',
      want: 'cannot resolve the host',
    },
    {
      name: 'anything else',
      reason: "gRPC's own words are better than none",
      given: 'something new',
      want: 'something new',
    },
  ];

  test.each(cases)('$name', ({ given, want }) => {
    expect(bindFailure(given)).toBe(want);
  });
});
