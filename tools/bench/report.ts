/**
 * The bench's report: each level's runs reduced to medians, our server against the baseline as
 * ratios, the memory check, the targets, and the table printed at the end. The JSON written to
 * bench/results/<scenario>.json is a BenchReport.
 */
import type { LoadResult } from './load-protocol.js';

/** RunRecord is one load run against one server. */
export interface RunRecord extends LoadResult {
  /** The server's largest RSS seen while the run lasted, in MiB. */
  readonly peakRssMiB: number;
  /** The server's CPU time (user and system) per call, warm-up calls included, in ms. */
  readonly cpuMsPerRequest: number;
}

/** SideReport is one server at one level: medians over the repetitions, and every run. */
export interface SideReport {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly cpuMsPerRequest: number;
  /** The largest RSS over every repetition, in MiB. */
  readonly peakRssMiB: number;
  readonly errors: number;
  readonly runs: readonly RunRecord[];
}

/**
 * Ratios are ours divided by the baseline's, each the median over the repetitions of the ratio
 * within one repetition, whose two runs were back to back: on a shared machine that cancels
 * much of the drift between repetitions. Latency and CPU over 1, throughput under 1, cost.
 */
export interface Ratios {
  readonly p50: number;
  readonly p99: number;
  readonly throughput: number;
  readonly cpuPerRequest: number;
}

/** LevelReport is one concurrency level, both servers. */
export interface LevelReport {
  readonly concurrency: number;
  readonly requests: number;
  readonly ours: SideReport;
  readonly baseline: SideReport;
  readonly ratios: Ratios;
}

/** MemoryReport is our server's RSS around a long run. */
export interface MemoryReport {
  readonly concurrency: number;
  readonly warmupRequests: number;
  readonly requests: number;
  /** How long the server idled before each reading, in ms; a full collection ran during it. */
  readonly pauseMs: number;
  readonly rssBeforeMiB: number;
  readonly rssAfterMiB: number;
  /** RSS after as many requests again, for telling a heap that settled from one that leaks. */
  readonly rssAfterSecondRoundMiB: number;
  /** The V8 heap in use after each of the three full collections: before, after, after again. */
  readonly heapUsedMiB: readonly [number, number, number];
  readonly peakRssMiB: number;
  readonly grewMiB: number;
  /** Whether the RSS grew by more than GROWTH_TOLERANCE_MIB and GROWTH_TOLERANCE_PERCENT. */
  readonly grew: boolean;
  readonly errors: number;
}

/** Target is one goal the bench measures and whether this run met it. */
export interface Target {
  readonly description: string;
  readonly measured: number;
  readonly limit: number;
  readonly met: boolean;
}

/** BenchReport is everything one bench run measured. */
export interface BenchReport {
  readonly scenario: string;
  readonly summary: string;
  readonly date: string;
  readonly machine: {
    readonly cpus: number;
    readonly cpuModel: string;
    readonly node: string;
    readonly platform: string;
  };
  readonly repetitions: number;
  readonly levels: readonly LevelReport[];
  readonly memory?: MemoryReport;
  readonly targets: readonly Target[];
}

/** GROWTH_TOLERANCE_MIB and GROWTH_TOLERANCE_PERCENT are how much RSS may move and not count as growth. */
export const GROWTH_TOLERANCE_MIB = 5;
export const GROWTH_TOLERANCE_PERCENT = 5;

/** LATENCY_TARGET_RATIO is the most our median latency at concurrency 16 may be of the baseline's. */
export const LATENCY_TARGET_RATIO = 1.5;

const TARGET_CONCURRENCY = 16;

/** median is the middle value, or the mean of the two middle values. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length % 2 === 1) return sorted[middle] ?? Number.NaN;
  return ((sorted[middle - 1] ?? Number.NaN) + (sorted[middle] ?? Number.NaN)) / 2;
}

/** sideReport reduces one server's runs at one level. */
export function sideReport(runs: readonly RunRecord[]): SideReport {
  return {
    requestsPerSecond: median(runs.map((r) => r.requestsPerSecond)),
    p50Ms: median(runs.map((r) => r.p50Ms)),
    p99Ms: median(runs.map((r) => r.p99Ms)),
    cpuMsPerRequest: median(runs.map((r) => r.cpuMsPerRequest)),
    peakRssMiB: Math.max(...runs.map((r) => r.peakRssMiB)),
    errors: runs.reduce((sum, r) => sum + r.errors, 0),
    runs,
  };
}

/** levelReport compares both servers at one level. */
export function levelReport(
  concurrency: number,
  requests: number,
  ours: readonly RunRecord[],
  baseline: readonly RunRecord[],
): LevelReport {
  const paired = (field: 'p50Ms' | 'p99Ms' | 'requestsPerSecond' | 'cpuMsPerRequest') =>
    median(ours.map((run, i) => run[field] / (baseline[i]?.[field] ?? Number.NaN)));
  return {
    concurrency,
    requests,
    ours: sideReport(ours),
    baseline: sideReport(baseline),
    ratios: {
      p50: paired('p50Ms'),
      p99: paired('p99Ms'),
      throughput: paired('requestsPerSecond'),
      cpuPerRequest: paired('cpuMsPerRequest'),
    },
  };
}

/** grew says whether RSS moved by more than both tolerances. */
export function grew(beforeMiB: number, afterMiB: number): boolean {
  const growthMiB = afterMiB - beforeMiB;
  return (
    growthMiB > GROWTH_TOLERANCE_MIB && growthMiB > (beforeMiB * GROWTH_TOLERANCE_PERCENT) / 100
  );
}

/** targets checks the goals: latency at concurrency 16, and no RSS growth. */
export function targets(levels: readonly LevelReport[], memory?: MemoryReport): Target[] {
  const found: Target[] = [];
  const level = levels.find((l) => l.concurrency === TARGET_CONCURRENCY);
  if (level !== undefined) {
    found.push({
      description: `median latency at concurrency ${TARGET_CONCURRENCY}, ours / baseline`,
      measured: level.ratios.p50,
      limit: LATENCY_TARGET_RATIO,
      met: level.ratios.p50 <= LATENCY_TARGET_RATIO,
    });
  }
  if (memory !== undefined) {
    found.push({
      description: `RSS growth across ${memory.requests} requests, MiB`,
      measured: memory.grewMiB,
      limit: Math.max(GROWTH_TOLERANCE_MIB, (memory.rssBeforeMiB * GROWTH_TOLERANCE_PERCENT) / 100),
      met: !memory.grew,
    });
  }
  return found;
}

const fixed = (value: number, digits: number) => value.toFixed(digits);
const times = (value: number) => `${value.toFixed(2)}x`;
const signed = (value: number) => `${value >= 0 ? '+' : ''}${value.toFixed(1)}`;

/** formatReport renders the report as the table the bench prints. */
export function formatReport(report: BenchReport): string {
  const header = [
    'c',
    'server',
    'req/s',
    'p50 ms',
    'p99 ms',
    'CPU ms/req',
    'peak RSS MiB',
    'errors',
  ];
  const rows: string[][] = [header];
  for (const level of report.levels) {
    const c = String(level.concurrency);
    for (const [name, side] of [
      ['ours', level.ours],
      ['baseline', level.baseline],
    ] as const) {
      rows.push([
        c,
        name,
        fixed(side.requestsPerSecond, 0),
        fixed(side.p50Ms, 3),
        fixed(side.p99Ms, 3),
        fixed(side.cpuMsPerRequest, 3),
        fixed(side.peakRssMiB, 1),
        String(side.errors),
      ]);
    }
    const r = level.ratios;
    rows.push([
      c,
      'ours/baseline',
      times(r.throughput),
      times(r.p50),
      times(r.p99),
      times(r.cpuPerRequest),
      '',
      '',
    ]);
  }
  const widths = header.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  const lines = rows.map((row) =>
    row
      .map((cell, i) => (i === 1 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  '),
  );
  const m = report.machine;
  const out = [
    `scenario "${report.scenario}": ${report.summary}`,
    `${m.cpus} x ${m.cpuModel}, node ${m.node}; medians of ${report.repetitions} repetitions`,
    '',
    ...lines,
  ];
  const memory = report.memory;
  if (memory !== undefined) {
    out.push(
      '',
      `memory: ${memory.requests} requests at concurrency ${memory.concurrency} after ${memory.warmupRequests} to warm up;` +
        ` RSS after a full collection ${fixed(memory.rssBeforeMiB, 1)} MiB before, ${fixed(memory.rssAfterMiB, 1)} MiB after` +
        ` (${signed(memory.grewMiB)} MiB): ${memory.grew ? 'GREW' : 'no growth'};` +
        ` ${fixed(memory.rssAfterSecondRoundMiB, 1)} MiB after ${memory.requests} more` +
        ` (${signed(memory.rssAfterSecondRoundMiB - memory.rssAfterMiB)} MiB); peak ${fixed(memory.peakRssMiB, 1)} MiB;` +
        ` V8 heap in use ${memory.heapUsedMiB.map((m) => fixed(m, 1)).join(', ')} MiB`,
    );
  }
  out.push('');
  for (const target of report.targets) {
    const verdict = target.met ? 'met' : 'MISSED';
    out.push(
      `target: ${target.description}: ${fixed(target.measured, 2)} (limit ${fixed(target.limit, 2)}) ${verdict}`,
    );
  }
  return `${out.join('\n')}\n`;
}
