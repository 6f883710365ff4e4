/** The entry point: parse the flags, build the logger, serve until a signal, then exit. */
import { systemClock } from './clock.js';
import { parseConfig } from './config.js';
import { newRunFunction } from './function/run-function.js';
import { newLogger } from './logger.js';
import { startFunctionServer } from './server/grpc-server.js';
import { routeGrpcLogs } from './server/grpc-logs.js';
import { drainOnSignals } from './server/shutdown.js';
import { StartupError } from './server/startup-error.js';

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

const runFunction = newRunFunction({ logger, clock: systemClock });
try {
  const server = await startFunctionServer(config, { logger, runFunction });
  await drainOnSignals(server, logger);
  process.exit(0);
} catch (err) {
  if (!(err instanceof StartupError)) {
    throw err;
  }
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
}
