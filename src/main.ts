/** The entry point: parse the flags, build the logger, serve until a signal, then exit. */
import { claudeSettingsFromEnv, newAdvisorFactory } from './advisor/advisor-factory.js';
import { systemClock } from './clock.js';
import { parseConfig } from './config.js';
import { newRunFunction } from './function/run-function.js';
import { newLogger } from './logger.js';
import { startFunctionServer } from './server/grpc-server.js';
import type { FunctionServer } from './server/grpc-server.js';
import { routeGrpcLogs } from './server/grpc-logs.js';
import { drainOnSignals } from './server/shutdown.js';
import { StartupError } from './server/startup-error.js';
import { startMetricsServer } from './telemetry/metrics-server.js';
import type { MetricsServer } from './telemetry/metrics-server.js';
import { newPrometheusTelemetry } from './telemetry/prometheus.js';
import { noTelemetry } from './telemetry/telemetry.js';

const outcome = parseConfig(process.argv.slice(2), process.env);
if (outcome.kind === 'help') {
  process.stdout.write(outcome.text);
  process.exit(0);
}
if (outcome.kind === 'error') {
  process.stderr.write(`${outcome.message}\n`);
  process.exit(2);
}

const { config } = outcome;
const logger = newLogger(config);
logger.debug({ config }, 'parsed config');
routeGrpcLogs(logger);

const metrics =
  config.metricsAddress === undefined
    ? undefined
    : { address: config.metricsAddress, telemetry: newPrometheusTelemetry() };
const telemetry = metrics?.telemetry ?? noTelemetry;
const advisorFor = newAdvisorFactory(
  claudeSettingsFromEnv(process.env, config.maxConcurrentModelCalls),
  telemetry,
  logger,
);
const runFunction = newRunFunction({ logger, clock: systemClock, telemetry, advisorFor });

/**
 * serveMetrics starts /metrics once gRPC serves, so a bad TLS setup or gRPC port is reported
 * first; when the metrics port fails, the gRPC server stops before the process exits.
 */
async function serveMetrics(server: FunctionServer): Promise<MetricsServer | undefined> {
  if (metrics === undefined) return undefined;
  try {
    return await startMetricsServer(metrics.address, {
      registry: metrics.telemetry.registry,
      logger,
    });
  } catch (err) {
    server.stopNow();
    throw err;
  }
}

try {
  const server = await startFunctionServer(config, { logger, runFunction, telemetry });
  const metricsServer = await serveMetrics(server);
  await drainOnSignals(server, logger);
  await metricsServer?.close();
  process.exit(0);
} catch (err) {
  // One line, never a stack trace: a StartupError says what to fix; anything else is named.
  const message = err instanceof StartupError ? err.message : `cannot serve: ${String(err)}`;
  process.stderr.write(`${message.split('\n')[0] ?? ''}\n`);
  process.exit(1);
}
