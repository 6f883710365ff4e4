/**
 * Runs the built server, `node dist/main.js`, as a child process for end-to-end tests. By default
 * it listens on 127.0.0.1 port 0, so the system picks a free port and tests can run in parallel;
 * the harness reads the bound address from the "started serving" log line and waits until the
 * health service reports SERVING. Metrics are served on a free port too, unless the arguments
 * say otherwise. Build first (`npm run build`; `npm test` does).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

import type * as grpc from '@grpc/grpc-js';
import { z } from 'zod';

import { STARTED_MESSAGE } from '../../src/server/grpc-server.js';
import { METRICS_MESSAGE } from '../../src/telemetry/metrics-server.js';
import { insecureCredentials, newHealthClient } from './grpc-client.js';

/** MAIN_JS is the built entry point the harness runs. */
export const MAIN_JS = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

/** StartOptions say how to start the server; every field is optional. */
export interface StartOptions {
  /**
   * Flags after --address and --metrics-address, e.g. ['--insecure'] or
   * ['--tls-server-certs-dir', dir]; a later flag overrides the harness's default.
   */
  readonly args?: readonly string[];
  /** The --address value; default "127.0.0.1:0", a free port chosen by the system. */
  readonly address?: string;
  /** Credentials for the readiness health check; default insecure, which suits --insecure. */
  readonly credentials?: grpc.ChannelCredentials;
  /** Variables added to the child's environment, which otherwise holds only PATH. */
  readonly env?: Readonly<Record<string, string>>;
  /** How long to wait for SERVING before failing; default 15 000 ms. */
  readonly readyTimeoutMs?: number;
}

/** ExitResult is how the process ended: an exit code, or the signal that killed it. */
export interface ExitResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

const logLine = z.looseObject({ level: z.string(), msg: z.string() });

/** LogLine is one JSON line the server logged, e.g. {level: 'info', msg: 'started serving'}. */
export type LogLine = z.infer<typeof logLine>;

/** StopOptions say how to stop the server; every field is optional. */
export interface StopOptions {
  /** The signal to send; default SIGTERM. */
  readonly signal?: NodeJS.Signals;
  /** How long to wait for exit before SIGKILL and a rejection; default 15 000 ms. */
  readonly timeoutMs?: number;
}

/** ServerProcess is a running server. */
export interface ServerProcess {
  /** Where clients connect, e.g. "127.0.0.1:40123". */
  readonly address: string;
  /** The bound port. */
  readonly port: number;
  /** metricsAddress waits for the "metrics serving" log line and resolves with where to scrape. */
  metricsAddress(timeoutMs?: number): Promise<string>;
  /** The child's pid. */
  readonly pid: number;
  /** Lines written to stdout so far; the array grows while the process runs. */
  readonly stdout: readonly string[];
  /** Lines written to stderr so far; the array grows while the process runs. */
  readonly stderr: readonly string[];
  /** logs parses the stdout lines that are JSON log lines. */
  logs(): LogLine[];
  /** waitForLog resolves with the first log line, logged before or after the call, that matches. */
  waitForLog(match: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** exited resolves once the process has exited and its output has been read. */
  readonly exited: Promise<ExitResult>;
  /** stop signals the process (SIGTERM by default) and resolves once it has exited. */
  stop(options?: StopOptions): Promise<ExitResult>;
}

/** RunOptions say how to run a server that should exit by itself; every field is optional. */
export interface RunOptions {
  /** Variables added to the child's environment, which otherwise holds only PATH. */
  readonly env?: Readonly<Record<string, string>>;
  /** How long to wait for exit before SIGKILL and a rejection; default 15 000 ms. */
  readonly timeoutMs?: number;
}

/** RunResult is a process that ran to its end, with everything it wrote. */
export interface RunResult extends ExitResult {
  readonly stdout: readonly string[];
  readonly stderr: readonly string[];
  readonly durationMs: number;
}

const DEFAULT_TIMEOUT_MS = 15_000;

// A free port of the system's choosing, so servers never compete for the default :8080.
const DEFAULT_METRICS_ADDRESS = '127.0.0.1:0';

const boundAddress = z.object({ address: z.string() });

const running = new Set<ChildProcess>();

// A test that fails halfway must not leave servers behind.
process.once('exit', () => {
  for (const child of running) {
    child.kill('SIGKILL');
  }
});

/** startServer starts the server and resolves once its health service reports SERVING. */
export async function startServer(options: StartOptions = {}): Promise<ServerProcess> {
  const { address = '127.0.0.1:0', args = [], readyTimeoutMs = DEFAULT_TIMEOUT_MS } = options;
  const output = spawnServer(
    ['--address', address, '--metrics-address', DEFAULT_METRICS_ADDRESS, ...args],
    options.env,
  );
  const deadline = Date.now() + readyTimeoutMs;
  try {
    const started = await Promise.race([
      output.waitForLog((line) => line.msg === STARTED_MESSAGE, readyTimeoutMs),
      output.exited.then((exit) => {
        throw new Error(`server exited before serving (${describeExit(exit)})`);
      }),
    ]);
    const bound = boundAddress.parse(started).address;
    const connectTo = clientAddress(bound);
    await waitForServing(connectTo, options.credentials ?? insecureCredentials(), deadline);
    const port = Number(bound.slice(bound.lastIndexOf(':') + 1));
    const metricsAddress = async (timeoutMs?: number) => {
      const line = await output.waitForLog((l) => l.msg === METRICS_MESSAGE, timeoutMs);
      return clientAddress(boundAddress.parse(line).address);
    };
    return { ...output, address: connectTo, port, metricsAddress };
  } catch (err) {
    output.child.kill('SIGKILL');
    await output.exited;
    throw new Error(`cannot start server: ${String(err)}\n${describeOutput(output)}`, {
      cause: err,
    });
  }
}

/**
 * runServer runs the server with exactly these arguments until it exits by itself, for tests of
 * how it refuses to start; it kills the process and rejects after timeoutMs (default 15 000).
 */
export async function runServer(
  args: readonly string[],
  options: RunOptions = {},
): Promise<RunResult> {
  const { env, timeoutMs = DEFAULT_TIMEOUT_MS } = options;
  const started = performance.now();
  const output = spawnServer(args, env);
  const exit = await withTimeout(output.exited, timeoutMs, () => {
    output.child.kill('SIGKILL');
    return `server did not exit within ${timeoutMs} ms\n${describeOutput(output)}`;
  });
  const durationMs = Math.round(performance.now() - started);
  return { ...exit, stdout: output.stdout, stderr: output.stderr, durationMs };
}

/** Output is a spawned server and what it has written. */
interface Output extends Omit<ServerProcess, 'address' | 'port' | 'metricsAddress'> {
  readonly child: ChildProcess;
}

/** Lines is what a process has written, line by line, and a way to wait for a log line. */
type Lines = Pick<ServerProcess, 'stdout' | 'stderr' | 'logs' | 'waitForLog'>;

function spawnServer(args: readonly string[], env: Readonly<Record<string, string>> = {}): Output {
  if (!existsSync(MAIN_JS)) {
    throw new Error(`cannot start server: "${MAIN_JS}" does not exist (run npm run build first)`);
  }
  // Only PATH is inherited, so TLS_SERVER_CERTS_DIR or an API key in the test runner's
  // environment cannot change what a test sees.
  const child = spawn(process.execPath, [MAIN_JS, ...args], {
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const lines = collectLines(child.stdout, child.stderr);
  const exited = new Promise<ExitResult>((resolve) => {
    // 'close' comes after both pipes have ended, so every line has been read by then.
    child.once('close', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    });
  });
  const stop = async (options: StopOptions = {}): Promise<ExitResult> => {
    const { signal = 'SIGTERM', timeoutMs = DEFAULT_TIMEOUT_MS } = options;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill(signal);
    }
    return withTimeout(exited, timeoutMs, () => {
      child.kill('SIGKILL');
      return `server did not exit within ${timeoutMs} ms of ${signal}\n${describeOutput(lines)}`;
    });
  };
  return { ...lines, child, pid: child.pid ?? -1, exited, stop };
}

/** collectLines keeps every line of stdout and stderr and tells waiters about new log lines. */
function collectLines(stdoutStream: Readable, stderrStream: Readable): Lines {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const listeners = new Set<(line: LogLine) => void>();
  createInterface({ input: stdoutStream }).on('line', (text) => {
    stdout.push(text);
    const line = parseLogLine(text);
    if (line !== undefined) {
      listeners.forEach((listener) => {
        listener(line);
      });
    }
  });
  createInterface({ input: stderrStream }).on('line', (text) => {
    stderr.push(text);
  });
  const logs = (): LogLine[] => stdout.flatMap((text) => parseLogLine(text) ?? []);
  const waitForLog = (match: (line: LogLine) => boolean, timeoutMs = DEFAULT_TIMEOUT_MS) => {
    const found = logs().find(match);
    if (found !== undefined) {
      return Promise.resolve(found);
    }
    let listener: (line: LogLine) => void = () => undefined;
    const matched = new Promise<LogLine>((resolve) => {
      listener = (line) => {
        if (match(line)) {
          resolve(line);
        }
      };
      listeners.add(listener);
    });
    const why = () => `no matching log line within ${timeoutMs} ms`;
    return withTimeout(matched, timeoutMs, why).finally(() => listeners.delete(listener));
  };
  return { stdout, stderr, logs, waitForLog };
}

function parseLogLine(text: string): LogLine | undefined {
  try {
    const parsed = logLine.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** waitForServing polls the health service until it reports SERVING or the deadline passes. */
async function waitForServing(
  address: string,
  credentials: grpc.ChannelCredentials,
  deadline: number,
): Promise<void> {
  const health = newHealthClient(address, credentials);
  try {
    let last: unknown;
    while (Date.now() < deadline) {
      try {
        const status = await health.check('', { deadlineMs: 1_000 });
        if (status === 'SERVING') {
          return;
        }
        last = status;
      } catch (err) {
        last = err;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`health never reported SERVING; last answer: ${String(last)}`);
  } finally {
    health.close();
  }
}

/** clientAddress turns a wildcard listening address into one a client can dial. */
function clientAddress(bound: string): string {
  const port = bound.slice(bound.lastIndexOf(':') + 1);
  const host = bound.slice(0, bound.lastIndexOf(':'));
  if (host === '0.0.0.0' || host === '') {
    return `127.0.0.1:${port}`;
  }
  return host === '[::]' ? `[::1]:${port}` : bound;
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number, why: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(why()));
    }, timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => {
    clearTimeout(timer);
  });
}

function describeExit(exit: ExitResult): string {
  return exit.signal === null ? `exit code ${String(exit.code)}` : `signal ${exit.signal}`;
}

function describeOutput(output: Pick<Output, 'stdout' | 'stderr'>): string {
  const tail = (lines: readonly string[]) => lines.slice(-20).join('\n');
  return `stderr:\n${tail(output.stderr)}\nstdout:\n${tail(output.stdout)}`;
}
