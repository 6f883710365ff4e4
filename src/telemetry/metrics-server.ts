/**
 * The metrics endpoint: a registry's metrics in Prometheus text format at /metrics, over plain
 * HTTP on a port of its own, so a scrape never competes with the gRPC server's TLS.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';

import type { Logger } from 'pino';
import type { Registry } from 'prom-client';

import { bindFailure } from '../server/grpc-server.js';
import { StartupError } from '../server/startup-error.js';

/** METRICS_MESSAGE is the info line logged once /metrics is served, with its address. */
export const METRICS_MESSAGE = 'metrics serving';

/** METRICS_PATH is where the metrics are served. */
export const METRICS_PATH = '/metrics';

// A scrape left open on a kept-alive connection must not hold up the exit for long.
const CLOSE_TIMEOUT_MS = 1_000;

/** MetricsServerDeps are what the endpoint needs from main. */
export interface MetricsServerDeps {
  readonly registry: Registry;
  readonly logger: Logger;
}

/** MetricsServer is a bound metrics endpoint. */
export interface MetricsServer {
  /** The address served, with the port the system chose when the configured port was 0. */
  readonly address: string;
  /** close stops taking scrapes and resolves once the server has stopped. */
  close(): Promise<void>;
}

/** startMetricsServer serves registry at /metrics on address (HOST:PORT), or throws a StartupError. */
export async function startMetricsServer(
  address: string,
  deps: MetricsServerDeps,
): Promise<MetricsServer> {
  const server = createServer((req, res) => {
    void answer(req, res, deps);
  });
  const separator = address.lastIndexOf(':');
  const host = address.slice(0, separator).replace(/^\[(.*)\]$/, '$1');
  const port = Number(address.slice(separator + 1));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => {
      reject(new StartupError(`cannot serve metrics on "${address}": ${bindFailure(err.message)}`));
    });
    server.listen({ host, port }, resolve);
  });
  const info = server.address();
  const bound = `${address.slice(0, separator)}:${typeof info === 'object' && info !== null ? info.port : port}`;
  deps.logger.info({ address: bound, path: METRICS_PATH }, METRICS_MESSAGE);
  return {
    address: bound,
    close: () =>
      new Promise((resolve) => {
        const timer = setTimeout(() => {
          server.closeAllConnections();
        }, CLOSE_TIMEOUT_MS);
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}

/** answer serves one HTTP request: the metrics for GET or HEAD /metrics, an error otherwise. */
async function answer(req: IncomingMessage, res: ServerResponse, deps: MetricsServerDeps) {
  const path = (req.url ?? '').split('?')[0];
  if (path !== METRICS_PATH) {
    reply(res, 404, `not found: metrics are at ${METRICS_PATH}\n`);
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    reply(res, 405, 'method not allowed\n');
    return;
  }
  try {
    const body = await deps.registry.metrics();
    res.writeHead(200, { 'Content-Type': deps.registry.contentType });
    // Node leaves the body out of an answer to HEAD by itself.
    res.end(body);
  } catch (err) {
    deps.logger.error({ err }, 'cannot collect metrics');
    reply(res, 500, 'cannot collect metrics\n');
  }
}

function reply(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(text);
}
