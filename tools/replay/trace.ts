/**
 * Traces: a day of a database's DEMAND, written as a YAML file under examples/traces/. Demand is
 * what the workload asks of the database — vCPUs busy, bytes of memory in use, connections open —
 * never a percentage of some class, so the same trace can be replayed on any class and a resize
 * changes what the next run sees. See tools/replay/README.md for the format.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';

import { parse } from 'yaml';
import { z } from 'zod';

import { formatIssues, issueText, show } from '../../src/input/format-issues.js';
import { DURATION_PATTERN, parseDurationSeconds } from '../../src/input/duration.js';
import { ENGINES, instanceClass } from '../../src/scaling/instance-classes.js';
import type { Engine } from '../../src/scaling/instance-classes.js';
import { parseRfc3339 } from '../../src/time.js';
import { DEFAULT_ADVISOR_TIMEOUT, traceInput } from './prompt-input.js';

/** Point is one corner of a piecewise-linear signal: its value at an offset from the start. */
export interface Point {
  readonly atSeconds: number;
  readonly value: number;
}

/** Signal is one demand figure over the trace: linear between its points, flat beyond them. */
export interface Signal {
  readonly points: readonly Point[];
  /** Half the width of the uniform noise added each step, in the signal's unit; 0 for none. */
  readonly noise: number;
}

/** SIGNAL_NAMES are the demand figures a trace may give, in the order noise streams are numbered. */
export const SIGNAL_NAMES = [
  'cpu',
  'memory',
  'connections',
  'readIops',
  'writeIops',
  'storage',
] as const;

/** SignalName names one demand figure. */
export type SignalName = (typeof SIGNAL_NAMES)[number];

/** Trace is a validated trace file. */
export interface Trace {
  readonly name: string;
  readonly description: string;
  readonly start: Date;
  readonly durationSeconds: number;
  /** How often the CronOperation runs, in seconds; 60 in every shipped trace. */
  readonly stepSeconds: number;
  readonly engine: Engine;
  readonly startClass: string;
  /** The allocated storage, for FreeStorageSpace; default 20. */
  readonly storageGB: number;
  /** Seeds the noise; the same seed always gives the same day. */
  readonly seed: number;
  /** Fields of the Prompt input's `spec` for this trace (a ladder, thresholds), as written. */
  readonly spec: Readonly<Record<string, unknown>>;
  /** cpu, memory and connections always; the others when the trace gives them. */
  readonly demand: Readonly<Record<'cpu' | 'memory' | 'connections', Signal>> &
    Readonly<Partial<Record<'readIops' | 'writeIops' | 'storage', Signal>>>;
}

/** TraceReading is a trace, or one line saying why the file is not one. */
export type TraceReading =
  { readonly ok: true; readonly trace: Trace } | { readonly ok: false; readonly message: string };

const QUANTITY = /^(\d+(?:\.\d+)?|\.\d+)(Ki|Mi|Gi|Ti|k|M|G|T|m)?$/;

const multipliers: Readonly<Record<string, number>> = {
  '': 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
};

/**
 * parseQuantity reads a number or a Kubernetes quantity ("1.5Gi", "512Mi", "2k", "500m"), or
 * returns undefined. Negative quantities are not demand.
 */
export function parseQuantity(value: number | string): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  const match = QUANTITY.exec(value.trim());
  if (!match) return undefined;
  const [, digits = '', suffix = ''] = match;
  return Number(digits) * (multipliers[suffix] ?? 1);
}

const quantity = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const parsed = parseQuantity(value);
  if (parsed === undefined) {
    ctx.issues.push({
      code: 'custom',
      message: `${show(value)} is not a non-negative number or quantity such as "1.5Gi"`,
      input: value,
    });
  }
  return parsed ?? 0;
});

// YAML reads a bare 0 as a number; every other duration is a string such as "13h30m".
const duration = z.union([z.string(), z.literal(0)]).transform((value, ctx) => {
  const text = String(value);
  const seconds = DURATION_PATTERN.test(text) ? parseDurationSeconds(text) : undefined;
  if (seconds === undefined) {
    ctx.issues.push({
      code: 'custom',
      message: `${show(value)} is not a duration such as "90s", "5m" or "13h30m"`,
      input: value,
    });
  }
  return seconds ?? 0;
});

const pointSchema = z.strictObject({ at: duration, value: quantity });

const signalSchema = z
  .strictObject({
    points: z.array(pointSchema).min(1),
    noise: quantity.optional(),
  })
  .superRefine((signal, ctx) => {
    for (const [index, point] of signal.points.entries()) {
      const previous = signal.points[index - 1];
      if (previous !== undefined && point.at <= previous.at) {
        ctx.addIssue({
          code: 'custom',
          path: ['points', index, 'at'],
          message: 'must come after the previous point',
        });
      }
    }
  })
  .transform((signal): Signal => ({
    points: signal.points.map((p) => ({ atSeconds: p.at, value: p.value })),
    noise: signal.noise ?? 0,
  }));

const startSchema = z.string().refine((text) => parseRfc3339(text) !== undefined, {
  error: (issue) => `${show(issue.input)} is not an RFC 3339 time such as "2025-09-15T00:00:00Z"`,
});

const traceSchema = z.strictObject({
  name: z.string().min(1).optional(),
  description: z.string().default(''),
  start: startSchema,
  duration,
  step: duration.default(60),
  engine: z.enum(ENGINES as [Engine, ...Engine[]]),
  startClass: z.string().refine((name) => instanceClass(name) !== undefined, {
    error: (issue) => `unknown instance class ${show(issue.input)}`,
  }),
  storageGB: z.number().positive().default(20),
  seed: z.int().default(1),
  spec: z.record(z.string(), z.unknown()).default({}),
  demand: z.strictObject({
    cpu: signalSchema,
    memory: signalSchema,
    connections: signalSchema,
    readIops: signalSchema.optional(),
    writeIops: signalSchema.optional(),
    storage: signalSchema.optional(),
  }),
});

function timingProblem(durationSeconds: number, stepSeconds: number): string | undefined {
  if (stepSeconds < 60 || stepSeconds % 60 !== 0) {
    return 'step: a CronOperation runs at most once a minute: want a whole number of minutes';
  }
  if (durationSeconds < stepSeconds) return 'duration: shorter than one step';
  return undefined;
}

/** readTrace checks parsed YAML as a trace; `fallbackName` names a trace that has no name. */
export function readTrace(raw: unknown, fallbackName: string): TraceReading {
  const parsed = traceSchema.safeParse(raw, { error: issueText });
  if (!parsed.success) return { ok: false, message: formatIssues(parsed.error.issues) };
  const data = parsed.data;
  const problem = timingProblem(data.duration, data.step);
  if (problem !== undefined) return { ok: false, message: problem };
  const { readIops, writeIops, storage } = data.demand;
  const trace: Trace = {
    name: data.name ?? fallbackName,
    description: data.description.trim(),
    start: parseRfc3339(data.start) ?? new Date(0),
    durationSeconds: data.duration,
    stepSeconds: data.step,
    engine: data.engine,
    startClass: data.startClass,
    storageGB: data.storageGB,
    seed: data.seed,
    spec: data.spec,
    demand: {
      cpu: data.demand.cpu,
      memory: data.demand.memory,
      connections: data.demand.connections,
      ...(readIops !== undefined && { readIops }),
      ...(writeIops !== undefined && { writeIops }),
      ...(storage !== undefined && { storage }),
    },
  };
  // The spec is checked as the function will check it, so a bad one fails here, named.
  const input = traceInput(trace, DEFAULT_ADVISOR_TIMEOUT);
  return input.ok ? { ok: true, trace } : { ok: false, message: input.message };
}

/** parseTrace reads a trace from YAML text. */
export function parseTrace(text: string, fallbackName: string): TraceReading {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (err) {
    const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
    return { ok: false, message: `not YAML: ${why ?? ''}` };
  }
  return readTrace(raw, fallbackName);
}

/** loadTrace reads a trace file; its failure message is one line that names the file. */
export async function loadTrace(path: string): Promise<TraceReading> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    return { ok: false, message: `cannot load trace "${path}": ${code}` };
  }
  const reading = parseTrace(text, basename(path).replace(/\.ya?ml$/, ''));
  if (reading.ok) return reading;
  return { ok: false, message: `cannot load trace "${path}": ${reading.message}` };
}
