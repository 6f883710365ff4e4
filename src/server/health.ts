/**
 * The gRPC health service (grpc.health.v1): SERVING for "" and for FunctionRunnerService while
 * the server takes requests, NOT_SERVING before it is bound and once it drains.
 */
import type * as grpc from '@grpc/grpc-js';
import { FunctionRunnerServiceService } from '@crossplane-org/function-sdk-typescript';
import { HealthImplementation } from 'grpc-health-check';

/** FUNCTION_RUNNER_SERVICE is the full gRPC name of the service Crossplane calls. */
export const FUNCTION_RUNNER_SERVICE =
  FunctionRunnerServiceService.runFunction.path.split('/')[1] ?? '';

/** Health reports whether the server takes requests. */
export interface Health {
  /** serving marks the server ready for requests. */
  serving(): void;
  /** notServing marks the server as going away, so health checks route elsewhere. */
  notServing(): void;
}

/** addHealthService registers the health service on server, reporting NOT_SERVING. */
export function addHealthService(server: grpc.Server): Health {
  const services = ['', FUNCTION_RUNNER_SERVICE];
  const health = new HealthImplementation(
    Object.fromEntries(services.map((name) => [name, 'NOT_SERVING'])),
  );
  health.addToServer(server);
  const setAll = (status: 'SERVING' | 'NOT_SERVING') => {
    for (const name of services) {
      health.setStatus(name, status);
    }
  };
  return {
    serving: () => {
      setAll('SERVING');
    },
    notServing: () => {
      setAll('NOT_SERVING');
    },
  };
}
