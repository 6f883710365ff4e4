/** Running the load generator (load.ts) as a child process and reading its one line of result. */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

import { loadResult } from './load-protocol.js';
import type { LoadOptions, LoadResult } from './load-protocol.js';
import type { BenchServer } from './server.js';

/** LOAD_TIMEOUT_MS bounds one load run, so a hung server cannot hang the bench. */
const LOAD_TIMEOUT_MS = 10 * 60_000;

/** runLoad runs the load generator at script with options and resolves with what it measured. */
export function runLoad(script: string, options: LoadOptions): Promise<LoadResult> {
  const child = spawn(process.execPath, [script, JSON.stringify(options)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => stdout.push(line));
  createInterface({ input: child.stderr }).on('line', (line) => stderr.push(line));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
    }, LOAD_TIMEOUT_MS);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const parsed =
        code === 0 ? loadResult.safeParse(JSON.parse(stdout.at(-1) ?? 'null')) : undefined;
      if (parsed?.success === true) {
        resolve(parsed.data);
        return;
      }
      const why = signal === null ? `exit code ${String(code)}` : `signal ${signal}`;
      reject(new Error(`cannot run the load generator (${why}):\n${stderr.join('\n')}`));
    });
  });
}

/** MeasuredLoad is a load run and the server's CPU time per call during it, warm-up included. */
export type MeasuredLoad = LoadResult & { readonly cpuMsPerRequest: number };

/**
 * runLoadOn runs the load generator against server and reads the CPU time the server spent per
 * call, the unmeasured warm-up calls counted too, since the server's CPU is read around both.
 */
export async function runLoadOn(
  script: string,
  server: BenchServer,
  options: Omit<LoadOptions, 'address'>,
): Promise<MeasuredLoad> {
  const cpuBeforeMs = server.cpuMs();
  const result = await runLoad(script, { ...options, address: server.address });
  const cpuMs = server.cpuMs() - cpuBeforeMs;
  return { ...result, cpuMsPerRequest: cpuMs / (options.warmupRequests + options.requests) };
}
