/**
 * A server under test as its own process: started with node, found by the address its "started
 * serving" line logs (and its metrics by the "metrics serving" line, when it serves them), watched through /proc/<pid>/status, stopped with SIGTERM.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

import { STARTED_MESSAGE } from '../../src/server/grpc-server.js';
import { METRICS_MESSAGE } from '../../src/telemetry/metrics-server.js';

/** ServerCommand says how to start a server: node's own flags, the script and its flags. */
export interface ServerCommand {
  /** Flags for node itself, before the script, e.g. ['--cpu-prof']. */
  readonly nodeArgs?: readonly string[];
  /** The script to run, an absolute path. */
  readonly script: string;
  readonly args: readonly string[];
  /** Variables added to the environment, which otherwise holds only PATH. */
  readonly env?: Readonly<Record<string, string>>;
  /** Whether the server is ready only once it also logs that it serves /metrics. */
  readonly servesMetrics?: boolean;
}

/** BenchServer is a running server. */
export interface BenchServer {
  readonly pid: number;
  /** Where clients connect, e.g. "127.0.0.1:40123". */
  readonly address: string;
  /** Where /metrics is served, when the server logged that it serves it. */
  readonly metricsAddress?: string;
  /** rssKiB reads the resident set size now. */
  rssKiB(): number;
  /** cpuMs reads the CPU time the process has used so far, user and system, in ms. */
  cpuMs(): number;
  /** watchRss samples the RSS until the returned function is called, which returns the peak. */
  watchRss(intervalMs?: number): () => number;
  /** stop sends SIGTERM and resolves once the process has exited. */
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 15_000;

// Linux counts process CPU time in clock ticks of USER_HZ, which is 100 on every architecture.
const MS_PER_CLOCK_TICK = 10;

/** readRssKiB reads VmRSS of a process from /proc, in KiB. */
export function readRssKiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (match?.[1] === undefined) throw new Error(`cannot read VmRSS of process ${pid}`);
  return Number(match[1]);
}

/** readCpuMs reads utime and stime of a process from /proc, in ms. */
export function readCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name, in parentheses, may hold spaces; the fields after it are plain numbers.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of the whole line, so 12 and 13 after the name.
  return (Number(fields[11]) + Number(fields[12])) * MS_PER_CLOCK_TICK;
}

/** startBenchServer starts a server and resolves once it logs the address it serves. */
export function startBenchServer(command: ServerCommand): Promise<BenchServer> {
  const child = spawn(
    process.execPath,
    [...(command.nodeArgs ?? []), command.script, ...command.args],
    { env: { PATH: process.env['PATH'] ?? '', ...command.env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const stderr: string[] = [];
  createInterface({ input: child.stderr }).on('line', (line) => {
    stderr.push(line);
  });
  const exited = new Promise<void>((resolve) => {
    child.once('close', () => {
      resolve();
    });
  });
  const pid = child.pid ?? -1;
  const server = (address: string, metricsAddress?: string): BenchServer => ({
    pid,
    address,
    ...(metricsAddress !== undefined && { metricsAddress }),
    rssKiB: () => readRssKiB(pid),
    cpuMs: () => readCpuMs(pid),
    watchRss: (intervalMs = 20) => {
      let peak = readRssKiB(pid);
      const timer = setInterval(() => {
        peak = Math.max(peak, readRssKiB(pid));
      }, intervalMs);
      return () => {
        clearInterval(timer);
        return Math.max(peak, readRssKiB(pid));
      };
    },
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command.script} did not start within ${START_TIMEOUT_MS} ms`));
    }, START_TIMEOUT_MS);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`${command.script} exited before serving:\n${stderr.join('\n')}`));
    });
    const lines = createInterface({ input: child.stdout });
    let address: string | undefined;
    let metricsAddress: string | undefined;
    lines.on('line', (line) => {
      address ??= loggedAddress(line, STARTED_MESSAGE);
      metricsAddress ??= loggedAddress(line, METRICS_MESSAGE);
      if (address === undefined) return;
      if (command.servesMetrics === true && metricsAddress === undefined) return;
      clearTimeout(timer);
      // From here on the logs are drained unread, as cheaply as can be, so a server that logs
      // at info never blocks on a full pipe and the bench takes little CPU from it.
      lines.close();
      child.stdout.resume();
      resolve(server(address, metricsAddress));
    });
  });
}

/** loggedAddress reads the address from a log line whose message is msg. */
function loggedAddress(line: string, message: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(line);
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { msg, address } = parsed as { msg?: unknown; address?: unknown };
    return msg === message && typeof address === 'string' ? address : undefined;
  } catch {
    return undefined;
  }
}
