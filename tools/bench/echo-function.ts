/**
 * The baseline: a function that only echoes the request (`to(req)` from the SDK), served by this
 * project's own server code, flags and logger. What it costs is the floor every function pays:
 * gRPC, protobuf decoding and encoding, and the SDK; whatever our server costs beyond it is
 * deciding.
 *
 *   node build/tools/bench/echo-function.js --insecure --address 127.0.0.1:0
 */
import { to } from '@crossplane-org/function-sdk-typescript';

import { parseConfig } from '../../src/config.js';
import { newLogger } from '../../src/logger.js';
import { startFunctionServer } from '../../src/server/grpc-server.js';
import { drainOnSignals } from '../../src/server/shutdown.js';

const outcome = parseConfig(process.argv.slice(2), process.env);
if (outcome.kind !== 'config') {
  process.stderr.write(`${outcome.kind === 'error' ? outcome.message : outcome.text}\n`);
  process.exit(2);
}
const logger = newLogger(outcome.config);
const server = await startFunctionServer(outcome.config, {
  logger,
  runFunction: (req) => Promise.resolve(to(req)),
});
await drainOnSignals(server, logger);
process.exit(0);
