/** Graceful shutdown: the first SIGTERM or SIGINT drains the server, a second stops it at once. */
import type { Logger } from 'pino';

import type { FunctionServer } from './grpc-server.js';

/** DRAIN_SIGNALS start a drain; Kubernetes sends SIGTERM, a terminal SIGINT. */
export const DRAIN_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/** DRAIN_TIMEOUT_MS bounds the wait for in-flight requests, well inside Kubernetes' 30 s grace. */
export const DRAIN_TIMEOUT_MS = 10_000;

/** SignalSource is where signals arrive: the process, or an emitter in tests. */
export interface SignalSource {
  on(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
}

/** DrainOptions tune drainOnSignals; tests pass their own emitter and timeout. */
export interface DrainOptions {
  /** How long in-flight requests may run on; default DRAIN_TIMEOUT_MS. */
  readonly drainTimeoutMs?: number;
  /** Where signals arrive; default the process. */
  readonly signals?: SignalSource;
}

/** drainOnSignals resolves once a signal has drained the server and it has stopped. */
export function drainOnSignals(
  server: FunctionServer,
  logger: Logger,
  options: DrainOptions = {},
): Promise<void> {
  const { drainTimeoutMs = DRAIN_TIMEOUT_MS, signals = process } = options;
  return new Promise((resolve) => {
    let draining = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (draining) {
        logger.info({ signal }, 'stopping now on a second signal');
        server.stopNow();
        return;
      }
      draining = true;
      logger.debug({ signal, drainTimeoutMs }, 'draining on signal');
      void server.drain(drainTimeoutMs).then(resolve);
    };
    for (const signal of DRAIN_SIGNALS) {
      signals.on(signal, onSignal);
    }
  });
}
