/**
 * How the gRPC handler reports each RunFunction call to Telemetry: the mode read from the
 * request, and the outcome (ok, fatal, error) of what was actually sent back.
 */
import { RunFunctionRequest, fatal, to } from '@crossplane-org/function-sdk-typescript';
import { afterEach, describe, expect, test } from 'vitest';

import type { RunFunction } from '../../src/function/run-function.js';
import { newLogger } from '../../src/logger.js';
import { startFunctionServer } from '../../src/server/grpc-server.js';
import { noTelemetry } from '../../src/telemetry/telemetry.js';
import type { CallOutcome, Mode, Telemetry } from '../../src/telemetry/telemetry.js';
import { insecureCredentials, newFunctionClient } from '../harness/grpc-client.js';

/** Call is one RunFunction call as Telemetry saw it. */
interface Call {
  readonly mode: Mode | 'unknown';
  readonly outcome: CallOutcome;
}

const cleanups: (() => void)[] = [];

afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** callsSeen serves runFunction, sends req once, and returns the calls Telemetry recorded. */
async function callsSeen(runFunction: RunFunction, req: RunFunctionRequest): Promise<Call[]> {
  const calls: Call[] = [];
  const durations: number[] = [];
  const telemetry: Telemetry = {
    ...noTelemetry,
    runFunction: (mode, outcome, durationMs) => {
      calls.push({ mode, outcome });
      durations.push(durationMs);
    },
  };
  const logger = newLogger({ debug: false, destination: { write: () => undefined } });
  const server = await startFunctionServer(
    { address: '127.0.0.1:0', insecure: true, tlsServerCertsDir: '', maxRecvMessageSizeMiB: 1 },
    { logger, runFunction, telemetry },
  );
  const client = newFunctionClient(server.address, insecureCredentials());
  cleanups.push(() => {
    client.close();
    server.stopNow();
  });
  await client.runFunction(req);
  expect(durations.every((ms) => ms >= 0)).toBe(true);
  return calls;
}

const operationRequest = RunFunctionRequest.fromPartial({ meta: { tag: 't' } });
const compositionRequest = RunFunctionRequest.fromPartial({
  observed: { composite: { resource: { apiVersion: 'example.org/v1', kind: 'XDatabase' } } },
});

describe('each RunFunction call', () => {
  interface Case {
    readonly name: string;
    readonly reason: string;
    readonly given: { readonly runFunction: RunFunction; readonly req: RunFunctionRequest };
    readonly want: Call[];
  }

  const cases: readonly Case[] = [
    {
      name: 'an answer in a composition',
      reason: 'an observed composite makes the call a composition step',
      given: { runFunction: (req) => Promise.resolve(to(req)), req: compositionRequest },
      want: [{ mode: 'composition', outcome: 'ok' }],
    },
    {
      name: 'an answer in an Operation',
      reason: 'no observed composite makes it an Operation',
      given: { runFunction: (req) => Promise.resolve(to(req)), req: operationRequest },
      want: [{ mode: 'operation', outcome: 'ok' }],
    },
    {
      name: 'a FATAL result',
      reason: 'invalid input is answered, but nothing is applied',
      given: {
        runFunction: (req) => Promise.resolve(fatal(to(req), 'cannot read input')),
        req: operationRequest,
      },
      want: [{ mode: 'operation', outcome: 'fatal' }],
    },
    {
      name: 'an exception',
      reason: 'a bug caught by the handler is an error, though the wire carries a FATAL result',
      given: { runFunction: () => Promise.reject(new Error('bug')), req: compositionRequest },
      want: [{ mode: 'composition', outcome: 'error' }],
    },
    {
      name: 'a response over the send limit',
      reason: 'what is sent instead is a FATAL result',
      given: {
        runFunction: (req) => Promise.resolve({ ...to(req), context: { blob: 'x'.repeat(3e6) } }),
        req: operationRequest,
      },
      want: [{ mode: 'operation', outcome: 'fatal' }],
    },
  ];

  test.each(cases)('$name is counted once', async ({ given, want }) => {
    expect(await callsSeen(given.runFunction, given.req)).toEqual(want);
  });
});
