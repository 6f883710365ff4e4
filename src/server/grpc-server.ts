/**
 * The gRPC server: FunctionRunnerService and the health service, bound with mutual TLS unless
 * told otherwise, and drained gracefully.
 */
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';

import type { Config } from '../config.js';
import type { RunFunction } from '../function/run-function.js';
import type { Telemetry } from '../telemetry/telemetry.js';
import { functionRunnerDefinition, functionRunnerHandlers } from './function-runner-service.js';
import { addHealthService } from './health.js';
import type { Health } from './health.js';
import { StartupError } from './startup-error.js';
import { loadServerCredentials } from './tls.js';

/** STARTED_MESSAGE is the info line logged once the server takes requests. */
export const STARTED_MESSAGE = 'started serving';

/** STOPPED_MESSAGE is the info line logged once the server has stopped. */
export const STOPPED_MESSAGE = 'stopped serving';

/** ServerOptions are the settings the server reads from Config. */
export type ServerOptions = Pick<
  Config,
  'address' | 'insecure' | 'tlsServerCertsDir' | 'maxRecvMessageSizeMiB'
>;

/** ServerDeps are what the server needs from main. */
export interface ServerDeps {
  readonly logger: Logger;
  readonly runFunction: RunFunction;
  /** Where each RunFunction call is counted; unset means nowhere. */
  readonly telemetry?: Telemetry;
}

/** FunctionServer is a bound server taking requests. */
export interface FunctionServer {
  /** The address served, with the port the system chose when the configured port was 0. */
  readonly address: string;
  /**
   * drain reports NOT_SERVING, stops taking requests, waits up to timeoutMs for in-flight ones,
   * then cuts them off. It resolves once the server has stopped; a second call joins the first.
   */
  drain(timeoutMs: number): Promise<void>;
  /** stopNow cuts in-flight requests off at once; a pending drain then resolves. */
  stopNow(): void;
}

const MIB = 1024 * 1024;

/** startFunctionServer binds the server and marks it SERVING, or throws a StartupError. */
export async function startFunctionServer(
  options: ServerOptions,
  deps: ServerDeps,
): Promise<FunctionServer> {
  const credentials = options.insecure
    ? grpc.ServerCredentials.createInsecure()
    : loadServerCredentials(options.tlsServerCertsDir);
  const maxRecvMessageBytes = options.maxRecvMessageSizeMiB * MIB;
  // A response carries the request's desired state plus this step's changes, so it may outgrow
  // the request; twice the request limit leaves room while still bounding a runaway response.
  const maxSendMessageBytes = Math.min(2 * maxRecvMessageBytes, 2047 * MIB);
  const server = new grpc.Server({
    'grpc.max_receive_message_length': maxRecvMessageBytes,
    'grpc.max_send_message_length': maxSendMessageBytes,
  });
  server.addService(
    functionRunnerDefinition,
    functionRunnerHandlers({ ...deps, maxSendMessageBytes }),
  );
  const health = addHealthService(server);
  const port = await bind(server, options.address, credentials);
  const address = withPort(options.address, port);
  health.serving();
  deps.logger.info({ address, tls: !options.insecure }, STARTED_MESSAGE);
  return newDrainer(server, health, deps.logger, address);
}

/** bind listens on address, turning gRPC's bind error into one line. */
function bind(
  server: grpc.Server,
  address: string,
  credentials: grpc.ServerCredentials,
): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(address, credentials, (err, port) => {
      if (err === null) {
        resolve(port);
        return;
      }
      reject(new StartupError(`cannot listen on "${address}": ${bindFailure(err.message)}`));
    });
  });
}

const BIND_FAILURES: Readonly<Record<string, string>> = {
  EADDRINUSE: 'address already in use',
  EADDRNOTAVAIL: 'address not available on this machine',
  EACCES: 'permission denied',
};

/**
 * bindFailure finds the cause in gRPC's message, which reads like "No address added out of
 * total 1 resolved errors: [listen EADDRINUSE: address already in use 127.0.0.1:9443]".
 */
export function bindFailure(message: string): string {
  const code = /\b(E[A-Z]+)\b/.exec(message)?.[1];
  const known = code === undefined ? undefined : BIND_FAILURES[code];
  if (known !== undefined) {
    return known;
  }
  if (message.startsWith('Name resolution failed')) {
    return 'cannot resolve the host';
  }
  return message;
}

/** withPort replaces the port of a HOST:PORT address. */
function withPort(address: string, port: number): string {
  return `${address.slice(0, address.lastIndexOf(':'))}:${port}`;
}

/** newDrainer wraps a bound server in the FunctionServer lifecycle. */
function newDrainer(
  server: grpc.Server,
  health: Health,
  logger: Logger,
  address: string,
): FunctionServer {
  let stopped: Promise<void> | undefined;
  let finish: ((forced: boolean) => void) | undefined;
  const stopNow = (): void => {
    server.forceShutdown();
    finish?.(true);
  };
  const drainOnce = async (timeoutMs: number): Promise<void> => {
    const started = performance.now();
    health.notServing();
    logger.debug({ address, timeoutMs }, 'draining');
    const forced = await new Promise<boolean>((resolve) => {
      finish = resolve;
      const timer = setTimeout(stopNow, timeoutMs);
      server.tryShutdown(() => {
        clearTimeout(timer);
        resolve(false);
      });
    });
    const durationMs = Math.round(performance.now() - started);
    logger.info({ address, forced, durationMs }, STOPPED_MESSAGE);
  };
  return {
    address,
    drain: (timeoutMs) => (stopped ??= drainOnce(timeoutMs)),
    stopNow,
  };
}
