/**
 * Demand at a moment of a trace: each signal linear between its points, flat before the first
 * and after the last, plus uniform noise that depends only on the seed, the signal and the step,
 * so a replay is the same on every machine and every run.
 */
import { SIGNAL_NAMES } from './trace.js';
import type { Signal, SignalName, Trace } from './trace.js';

/** Demand is what the workload asks of the database at one moment. */
export interface Demand {
  /** vCPUs busy; above the class's vCPUs means the database is saturated. */
  readonly cpuVcpus: number;
  /** Bytes of memory in use. */
  readonly memoryBytes: number;
  readonly connections: number;
  readonly readIops?: number;
  readonly writeIops?: number;
  /** Bytes of storage in use. */
  readonly storageBytes?: number;
}

/** interpolate reads a piecewise-linear signal at an offset, in seconds, from the trace's start. */
export function interpolate(points: Signal['points'], atSeconds: number): number {
  const first = points[0];
  if (first === undefined) return 0;
  if (atSeconds <= first.atSeconds) return first.value;
  for (let i = 1; i < points.length; i++) {
    const right = points[i];
    const left = points[i - 1];
    if (right === undefined || left === undefined) break;
    if (atSeconds <= right.atSeconds) {
      const share = (atSeconds - left.atSeconds) / (right.atSeconds - left.atSeconds);
      return left.value + share * (right.value - left.value);
    }
  }
  return points.at(-1)?.value ?? 0;
}

/** mix32 is the 32-bit finaliser of MurmurHash3: every input bit moves every output bit. */
function mix32(value: number): number {
  let x = value >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** unitNoise is a number in [-1, 1) fixed by the seed, the signal's stream and the step. */
export function unitNoise(seed: number, stream: number, step: number): number {
  const hashed = mix32(mix32(mix32(seed) ^ Math.imul(stream + 1, 0x9e3779b1)) ^ step);
  return (hashed / 2 ** 32) * 2 - 1;
}

function signalAt(trace: Trace, name: SignalName, signal: Signal, atSeconds: number): number {
  const base = interpolate(signal.points, atSeconds);
  if (signal.noise === 0) return base;
  const step = Math.floor(atSeconds / trace.stepSeconds);
  const noise = signal.noise * unitNoise(trace.seed, SIGNAL_NAMES.indexOf(name), step);
  return Math.max(0, base + noise);
}

/** demandAt is the trace's demand at an instant; before the start it is the demand at the start. */
export function demandAt(trace: Trace, at: Date): Demand {
  const seconds = Math.max(0, (at.getTime() - trace.start.getTime()) / 1000);
  const read = (name: SignalName): number | undefined => {
    const signal = trace.demand[name];
    return signal === undefined ? undefined : signalAt(trace, name, signal, seconds);
  };
  const readIops = read('readIops');
  const writeIops = read('writeIops');
  const storageBytes = read('storage');
  return {
    cpuVcpus: read('cpu') ?? 0,
    memoryBytes: read('memory') ?? 0,
    connections: read('connections') ?? 0,
    ...(readIops !== undefined && { readIops }),
    ...(writeIops !== undefined && { writeIops }),
    ...(storageBytes !== undefined && { storageBytes }),
  };
}
