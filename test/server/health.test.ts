/** Tests for the health service: NOT_SERVING until told, then SERVING, then NOT_SERVING again. */
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { FUNCTION_RUNNER_SERVICE, addHealthService } from '../../src/server/health.js';
import type { Health } from '../../src/server/health.js';
import { insecureCredentials, newHealthClient } from '../harness/grpc-client.js';
import type { HealthClient, ServingStatus } from '../harness/grpc-client.js';

let server: grpc.Server;
let health: Health;
let client: HealthClient;

beforeAll(async () => {
  server = new grpc.Server();
  health = addHealthService(server);
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, bound) => {
      if (err === null) {
        resolve(bound);
      } else {
        reject(err);
      }
    });
  });
  client = newHealthClient(`127.0.0.1:${port}`, insecureCredentials());
});

afterAll(() => {
  client.close();
  server.forceShutdown();
});

async function statuses(): Promise<ServingStatus[]> {
  return [await client.check(''), await client.check(FUNCTION_RUNNER_SERVICE)];
}

describe('addHealthService', () => {
  test('names the service Crossplane calls', () => {
    expect(FUNCTION_RUNNER_SERVICE).toBe('apiextensions.fn.proto.v1.FunctionRunnerService');
  });

  test('reports NOT_SERVING, then SERVING, then NOT_SERVING for both names', async () => {
    expect(await statuses()).toEqual(['NOT_SERVING', 'NOT_SERVING']);
    health.serving();
    expect(await statuses()).toEqual(['SERVING', 'SERVING']);
    health.notServing();
    expect(await statuses()).toEqual(['NOT_SERVING', 'NOT_SERVING']);
  });

  test('does not know other services', async () => {
    await expect(client.check('some.other.Service')).rejects.toMatchObject({
      code: grpc.status.NOT_FOUND,
    });
  });
});
