/**
 * The fake Messages API as a process: parse the flags, listen, print the URL on one line, serve
 * until SIGTERM or SIGINT. `node build/tools/fake-messages-api/main.js --policy follow`.
 */
import { parseArgs } from 'node:util';

import { z } from 'zod';

import { POLICY_NAMES } from './policy.js';
import type { Policy } from './policy.js';
import { startFakeMessagesApi } from './server.js';

const FLAGS = {
  policy: { type: 'string', default: 'follow' },
  'delay-ms': { type: 'string', default: '0' },
  'fail-times': { type: 'string' },
  host: { type: 'string', default: '127.0.0.1' },
  port: { type: 'string', default: '0' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

const USAGE = `usage: main.js [--policy NAME] [--delay-ms MS] [--fail-times N] [--host HOST] [--port PORT]
  --policy      how the fake model answers; default follow; one of ${POLICY_NAMES.join(', ')}
  --delay-ms    milliseconds to wait before each answer; default 0
  --fail-times  answer this many requests with the policy, then follow the rules; default all
  --host        address to listen on; default 127.0.0.1
  --port        port to listen on; default 0, a free port
`;

/** wholeNumber reads a flag's value as a whole number from 0 to max. */
function wholeNumber(max: number) {
  const problem = `is not a whole number from 0 to ${max}`;
  return z
    .string()
    .regex(/^[0-9]+$/, problem)
    .transform(Number)
    .pipe(z.number().max(max, problem));
}

const flagsSchema = z.object({
  policy: z.enum(POLICY_NAMES, { error: `is not one of ${POLICY_NAMES.join(', ')}` }),
  'delay-ms': wholeNumber(3_600_000),
  'fail-times': wholeNumber(Number.MAX_SAFE_INTEGER).optional(),
  host: z.string().min(1, 'is empty'),
  port: wholeNumber(65_535),
});

/** Options are the checked flags. */
interface Options {
  readonly policy: Policy;
  readonly host: string;
  readonly port: number;
}

/** Outcome is the options, a request for help, or the one line that says what is wrong. */
type Outcome =
  | { readonly kind: 'options'; readonly options: Options }
  | { readonly kind: 'help' }
  | { readonly kind: 'error'; readonly message: string };

/** readOptions parses the arguments after the script name. */
function readOptions(argv: string[]): Outcome {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, strict: true, allowPositionals: false, options: FLAGS }));
  } catch (err) {
    const cause = err instanceof Error ? (err.message.split('\n')[0] ?? '') : String(err);
    return { kind: 'error', message: `cannot parse flags: ${cause}` };
  }
  if (values.help) return { kind: 'help' };
  const checked = flagsSchema.safeParse(values);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    const flag = String(issue?.path[0] ?? '');
    const value = new Map(Object.entries(values)).get(flag);
    const problem = issue?.message ?? 'is not valid';
    return {
      kind: 'error',
      message: `cannot parse flag "--${flag}": "${String(value)}" ${problem}`,
    };
  }
  const { policy, host, port, 'delay-ms': delayMs, 'fail-times': failTimes } = checked.data;
  const options = {
    policy: { name: policy, delayMs, ...(failTimes !== undefined && { failTimes }) },
    host,
    port,
  };
  return { kind: 'options', options };
}

const outcome = readOptions(process.argv.slice(2));
if (outcome.kind === 'help') {
  process.stdout.write(USAGE);
  process.exit(0);
}
if (outcome.kind === 'error') {
  process.stderr.write(`${outcome.message}\n`);
  process.exit(2);
}
const { options } = outcome;

let fake;
try {
  fake = await startFakeMessagesApi(options);
} catch (err) {
  process.stderr.write(`cannot listen on ${options.host}:${options.port}: ${String(err)}\n`);
  process.exit(1);
}
process.stdout.write(`listening on ${fake.url}\n`);

const stop = () => {
  void fake.close().then(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
