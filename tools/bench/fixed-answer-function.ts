/**
 * A function that answers every call with one fixed response, read at start from a file holding
 * an encoded RunFunctionResponse: what our server answered the bench's request. Served by this
 * project's own server code, like the echo, it costs what a response of our size costs on this
 * stack, with no deciding; the layers tool (layers.ts) compares it with the echo and with ours.
 * With FIXED_ANSWER_LOG=1 it also logs, on every call, the info line our server logs for a
 * resize: the answer's first result, under a child logger naming the composite, as ours does.
 *
 *   node build/tools/bench/fixed-answer-function.js --insecure --address 127.0.0.1:0 <file>
 */
import { readFileSync } from 'node:fs';

import { RunFunctionResponse } from '@crossplane-org/function-sdk-typescript';

import { parseConfig } from '../../src/config.js';
import { newLogger } from '../../src/logger.js';
import { startFunctionServer } from '../../src/server/grpc-server.js';
import { drainOnSignals } from '../../src/server/shutdown.js';

const file = process.argv.at(-1) ?? '';
const outcome = parseConfig(process.argv.slice(2, -1), process.env);
if (outcome.kind !== 'config' || !file.endsWith('.bin')) {
  const why = outcome.kind === 'error' ? outcome.message : 'want flags, then a .bin file';
  process.stderr.write(`${why}\n`);
  process.exit(2);
}
const answer = RunFunctionResponse.decode(readFileSync(file));
const logger = newLogger(outcome.config);
const modeLog = logger.child({ mode: 'composition' });
const logEachCall = process.env['FIXED_ANSWER_LOG'] === '1';
const [result] = answer.results;
const server = await startFunctionServer(outcome.config, {
  logger,
  // The handler encodes whatever it is given on every call, as it does our server's answers.
  runFunction: (req) => {
    if (logEachCall) {
      const xr: Record<string, unknown> = req.observed?.composite?.resource ?? {};
      const metadata = (xr['metadata'] ?? {}) as { name?: string; namespace?: string };
      const kind = xr['kind'];
      modeLog
        .child({ kind, namespace: metadata.namespace, name: metadata.name })
        .info({ analyzed: true, reason: result?.reason, decidedBy: 'rules' }, result?.message);
    }
    return Promise.resolve(answer);
  },
});
await drainOnSignals(server, logger);
process.exit(0);
