/**
 * Config: the command line and the environment, parsed once into one validated object. Each
 * setting is declared once, in `settings`: its flag, its help, its default and its check.
 */
import { z } from 'zod';

/** PROGRAM is the name --help shows. */
export const PROGRAM = 'function-intelligent-scaling';

/** Setting declares one flag; a flag without a `valueName` is a switch. */
interface Setting {
  /** The flag's name, without the leading dashes. */
  readonly flag: string;
  /** Other names the flag answers to, without the leading dashes. */
  readonly aliases?: readonly string[];
  /** The placeholder --help shows for the flag's value; absent for a switch. */
  readonly valueName?: string;
  /** The environment variable read when the flag is absent. */
  readonly env?: string;
  /** One sentence for --help, without the final period. */
  readonly help: string;
  /** Checks the raw value (a string, or a boolean for a switch) and holds the default. */
  readonly schema: z.ZodType;
}

const MAX_PORT = 65_535;

// gRPC counts message sizes in a signed 32-bit integer, so 2047 MiB is the most it can take.
const MAX_MESSAGE_SIZE_MIB = 2047;

/** isHostPort reports whether a value reads as HOST:PORT, with IPv6 hosts in brackets. */
function isHostPort(value: string): boolean {
  const match = /^(\[[0-9a-fA-F:.]+\]|[^\s:[\]]*):([0-9]{1,5})$/.exec(value);
  return match !== null && Number(match[2]) <= MAX_PORT;
}

// Go functions accept ":9443"; gRPC for Node does not, so an empty host means all interfaces.
const hostPort = z
  .string()
  .refine(isHostPort, `is not HOST:PORT with a port from 0 to ${MAX_PORT}`)
  .transform((value) => (value.startsWith(':') ? `0.0.0.0${value}` : value));

// An empty value turns the endpoint off, so the flag can disable what it serves by default.
const hostPortOrNone = z
  .string()
  .transform((value) => (value === '' ? undefined : value))
  .pipe(hostPort.optional());

const notMebibytes = `is not a whole number of MiB from 1 to ${MAX_MESSAGE_SIZE_MIB}`;

const mebibytes = z
  .string()
  .regex(/^[0-9]+$/, notMebibytes)
  .transform(Number)
  .pipe(z.number().min(1, notMebibytes).max(MAX_MESSAGE_SIZE_MIB, notMebibytes));

/** wholeNumber reads a flag value as a whole number within bounds. */
function wholeNumber(min: number, max: number) {
  const problem = `is not a whole number from ${min} to ${max}`;
  return z
    .string()
    .regex(/^[0-9]+$/, problem)
    .transform(Number)
    .pipe(z.number().min(min, problem).max(max, problem));
}

const directory = z.string().min(1, 'is empty');

const onOff = z.boolean({ error: 'is not true or false' });

/** settings lists every flag; adding a flag is adding an entry, and Config follows. */
const settings = {
  address: {
    flag: 'address',
    valueName: 'HOST:PORT',
    help: 'Address to serve gRPC on',
    schema: hostPort.default('0.0.0.0:9443'),
  },
  insecure: {
    flag: 'insecure',
    help: 'Serve without TLS, for local development with crossplane render',
    schema: onOff.default(false),
  },
  debug: {
    flag: 'debug',
    help: 'Log at debug level',
    schema: onOff.default(false),
  },
  tlsServerCertsDir: {
    flag: 'tls-server-certs-dir',
    aliases: ['tls-certs-dir'],
    valueName: 'DIR',
    env: 'TLS_SERVER_CERTS_DIR',
    help: 'Directory holding tls.crt, tls.key and ca.crt; clients need a certificate signed by ca.crt',
    schema: directory.default('/tls/server'),
  },
  maxRecvMessageSizeMiB: {
    flag: 'max-recv-message-size',
    valueName: 'MiB',
    help: 'Largest request to accept, in MiB',
    schema: mebibytes.default(4),
  },
  maxConcurrentModelCalls: {
    flag: 'max-concurrent-model-calls',
    valueName: 'N',
    help: 'Most model calls this process makes at once; further analyses wait, then fall back to the rules',
    schema: wholeNumber(1, 256).default(4),
  },
  metricsAddress: {
    flag: 'metrics-address',
    valueName: 'HOST:PORT',
    help: 'Address to serve Prometheus metrics on, at /metrics; an empty value serves none',
    // prefault, not default: ":8080" goes through the schema and reads as every interface.
    schema: hostPortOrNone.prefault(':8080'),
  },
} as const satisfies Record<string, Setting>;

type Settings = typeof settings;

/** Config is every setting of the process, checked and defaulted. */
export type Config = { readonly [K in keyof Settings]: z.output<Settings[K]['schema']> };

/** ParseOutcome is a Config, a request for help, or the one line that says what was wrong. */
export type ParseOutcome =
  | { readonly kind: 'config'; readonly config: Config }
  | { readonly kind: 'help'; readonly text: string }
  | { readonly kind: 'error'; readonly message: string };

/** Environment is the part of process.env that parsing reads. */
export type Environment = Readonly<Record<string, string | undefined>>;

/** A raw value and where it came from, for error messages. */
interface RawValue {
  readonly value: string | boolean;
  readonly source: string;
}

/** parseConfig parses the arguments after the script name, and the environment, into a Config. */
export function parseConfig(argv: readonly string[], env: Environment): ParseOutcome {
  if (argv.some((arg) => arg === '--help' || arg === '-h')) {
    return { kind: 'help', text: helpText() };
  }
  const flags = readFlags(argv);
  if (typeof flags === 'string') {
    return { kind: 'error', message: flags };
  }
  return checkSettings(flags, env);
}

/** FLAG_NAMES maps every spelling of every flag, dashes included, to its setting and key. */
const FLAG_NAMES = new Map<string, readonly [string, Setting]>(
  Object.entries<Setting>(settings).flatMap(([key, setting]) =>
    [setting.flag, ...(setting.aliases ?? [])].map(
      (name) => [`--${name}`, [key, setting]] as const,
    ),
  ),
);

/** readFlags reads argv into raw values keyed by setting, or returns what was wrong. */
function readFlags(argv: readonly string[]): Map<string, RawValue> | string {
  const raw = new Map<string, RawValue>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const equals = arg.indexOf('=');
    const name = equals < 0 ? arg : arg.slice(0, equals);
    const inline = equals < 0 ? undefined : arg.slice(equals + 1);
    const found = FLAG_NAMES.get(name);
    if (found === undefined) {
      return name.startsWith('-')
        ? `cannot parse flags: unknown flag "${name}" (see --help)`
        : `cannot parse flags: unexpected argument "${arg}" (see --help)`;
    }
    const [key, setting] = found;
    const source = `flag "${name}"`;
    if (setting.valueName === undefined) {
      raw.set(key, { value: inline === undefined ? true : switchValue(inline), source });
      continue;
    }
    const value = inline ?? argv[i + 1];
    if (value === undefined || (inline === undefined && value.startsWith('--'))) {
      return `cannot parse flags: flag "${name}" needs a value ${setting.valueName}`;
    }
    if (inline === undefined) {
      i++;
    }
    raw.set(key, { value, source });
  }
  return raw;
}

/** switchValue reads `--insecure=true` and `--insecure=false`; anything else fails the schema. */
function switchValue(inline: string): string | boolean {
  if (inline === 'true' || inline === 'false') {
    return inline === 'true';
  }
  return inline;
}

/** checkSettings runs every setting's schema over its raw value, its environment, or nothing. */
function checkSettings(flags: ReadonlyMap<string, RawValue>, env: Environment): ParseOutcome {
  const config: Record<string, unknown> = {};
  for (const [key, setting] of Object.entries<Setting>(settings)) {
    const raw = flags.get(key) ?? fromEnvironment(setting, env);
    const result = setting.schema.safeParse(raw?.value);
    if (!result.success) {
      const cause = result.error.issues[0]?.message ?? 'is not valid';
      const shown = typeof raw?.value === 'string' ? `"${raw.value}"` : 'value';
      return { kind: 'error', message: `cannot parse ${raw?.source ?? key}: ${shown} ${cause}` };
    }
    config[key] = result.data;
  }
  // Every key of `settings` was just parsed by its own schema, which is what Config says.
  return { kind: 'config', config: config as Config };
}

/** fromEnvironment reads a setting's environment variable; an empty one counts as unset. */
function fromEnvironment(setting: Setting, env: Environment): RawValue | undefined {
  const value = setting.env === undefined ? undefined : env[setting.env];
  if (setting.env === undefined || value === undefined || value === '') {
    return undefined;
  }
  return { value, source: `environment variable "${setting.env}"` };
}

/** helpText lists every flag with its default, built from `settings`. */
export function helpText(): string {
  const rows = Object.values<Setting>(settings).map((setting): [string, string] => {
    const value = setting.valueName === undefined ? '' : `=${setting.valueName}`;
    return [`--${setting.flag}${value}`, setting.help + note(setting)];
  });
  rows.push(['-h, --help', 'Show this help and exit.']);
  const width = Math.max(...rows.map(([names]) => names.length));
  const lines = rows.map(([names, help]) => `  ${names.padEnd(width)}  ${help}`);
  const usage = `Usage: ${PROGRAM} [flags]\n\nServes the ${PROGRAM} Crossplane function over gRPC.`;
  return `${usage}\n\nFlags:\n${lines.join('\n')}\n`;
}

/** note names a flag's aliases, environment variable and default, when it has them. */
function note(setting: Setting): string {
  const parts = (setting.aliases ?? []).map((alias) => `or --${alias}`);
  const fallback = setting.schema.safeParse(undefined);
  if (setting.valueName !== undefined && fallback.success) {
    const env = setting.env === undefined ? '' : `$${setting.env}, else `;
    parts.push(`default ${env}${JSON.stringify(fallback.data)}`);
  }
  return parts.length === 0 ? '.' : ` (${parts.join('; ')}).`;
}
