/**
 * Facts: what the model is told about one database, and how it is written. Facts only, already
 * checked: the time, who the database is, its class and the neighbours it may move to, every
 * metric, the percentages the thresholds read, the thresholds, the cooldown and scale-down
 * window, and the rules' verdict. Every token is paid for on every call, so nothing is said
 * twice and nothing is sent that the model cannot act on: not the rest of the ladder (it may only
 * confirm the rules' one step or decline it), not which limits are crossed (the percentages and
 * the thresholds say so, and the rules' reasoning names them). Nothing is copied from the
 * resource as free text, and what is copied (the database's kind, namespace, name and engine) is
 * always quoted, so nothing in it can instruct.
 */
import { METRIC_UNITS } from '../resource/performance-metrics.js';
import type { MetricName, Sample } from '../resource/performance-metrics.js';
import type { AdviceRequest } from '../scaling/advisor.js';
import type { InstanceClass } from '../scaling/instance-classes.js';
import { formatRfc3339 } from '../time.js';

/** ClassFacts describes one instance class. */
export interface ClassFacts {
  readonly name: string;
  readonly vcpus: number;
  readonly memoryGiB: number;
}

/** PercentOfClass holds the figures the thresholds read: CPU, free memory, connections. */
export interface PercentOfClass {
  readonly cpu?: number;
  readonly freeMemory?: number;
  /** Of the engine's default max_connections on the class; absent for an unknown engine. */
  readonly connections?: number;
}

/** Facts is what the model reads between <facts> tags, written by formatFacts. */
export interface Facts {
  readonly now: string;
  readonly database: {
    readonly kind: string;
    readonly namespace?: string;
    readonly name: string;
    readonly engine?: string;
  };
  /** The class the database runs on now. */
  readonly class: ClassFacts;
  /** The next class down the ladder, when the function may move there. */
  readonly smaller?: ClassFacts;
  /** The next class up the ladder, when the function may move there. */
  readonly larger?: ClassFacts;
  /** When the datapoints were taken, unless a metric names its own time. */
  readonly metricsAt: string;
  /** Each datapoint as value and unit, "1.053 GiB", then " at <time>" if not at `metricsAt`. */
  readonly metrics: Readonly<Partial<Record<MetricName, string>>>;
  readonly percentOfClass: PercentOfClass;
  readonly scaleUpIfAny: {
    readonly cpuAbove: number;
    readonly freeMemoryBelow: number;
    readonly connectionsAbove: number;
  };
  readonly scaleDownIfAll: {
    readonly cpuBelow: number;
    readonly freeMemoryAbove: number;
    readonly connectionsBelow: number;
  };
  readonly scaleDown: {
    readonly conditionsHold: boolean;
    /** How long the conditions have held; absent while they do not. */
    readonly quietMinutes?: number;
    readonly windowMinutes: number;
  };
  readonly cooldown: {
    readonly minutes: number;
    readonly lastScaled?: string;
  };
  /** The built-in rules' verdict: the only resize the guardrails allow. */
  readonly rules: {
    readonly decision: string;
    readonly instanceClass: string;
    readonly reasoning: string;
  };
}

const GiB = 1024 ** 3;

function classFacts(cls: InstanceClass): ClassFacts {
  return { name: cls.name, vcpus: cls.vcpus, memoryGiB: cls.memoryBytes / GiB };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

/** significant keeps four significant digits: the model needs the figure, not the noise. */
function significant(value: number): number {
  return Number.isInteger(value) ? value : Number(value.toPrecision(4));
}

/** metricsAt is the most common datapoint time, so each metric need not repeat it. */
function metricsAt(request: AdviceRequest): string {
  const times = Object.values(request.metrics.samples).map((s) => formatRfc3339(s.timestamp));
  const counts = new Map<string, number>();
  for (const time of times) counts.set(time, (counts.get(time) ?? 0) + 1);
  const [first] = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return first?.[0] ?? formatRfc3339(request.now);
}

/** measurement writes a datapoint as value and unit; bytes in GiB, as the classes' memory. */
function measurement(sample: Sample, at: string): string {
  const inGiB = sample.unit === 'Bytes';
  const value = significant(inGiB ? sample.value / GiB : sample.value);
  const timestamp = formatRfc3339(sample.timestamp);
  const text = `${String(value)} ${inGiB ? 'GiB' : sample.unit}`;
  return timestamp === at ? text : `${text} at ${timestamp}`;
}

function metricFacts(request: AdviceRequest, at: string): Facts['metrics'] {
  return Object.fromEntries(
    (Object.keys(METRIC_UNITS) as MetricName[]).flatMap((name) => {
      const sample = request.metrics.samples[name];
      return sample === undefined ? [] : [[name, measurement(sample, at)]];
    }),
  );
}

function percentOfClass({ utilisation }: AdviceRequest): PercentOfClass {
  const {
    cpuPercent: cpu,
    freeMemoryPercent: freeMemory,
    connectionsPercent: connections,
  } = utilisation;
  return {
    ...(cpu !== undefined && { cpu: round(cpu) }),
    ...(freeMemory !== undefined && { freeMemory: round(freeMemory) }),
    ...(connections !== undefined && { connections: round(connections) }),
  };
}

/** factsFor turns an advice request into the facts the model reads. */
export function factsFor(request: AdviceRequest): Facts {
  const { policy, subject, lastScaled, quietSince } = request;
  const minutes = (seconds: number) => round(seconds / 60);
  const at = metricsAt(request);
  return {
    now: formatRfc3339(request.now),
    database: {
      kind: subject.kind,
      ...(subject.namespace !== undefined && { namespace: subject.namespace }),
      name: subject.name,
      ...(subject.engine !== undefined && { engine: subject.engine }),
    },
    class: classFacts(request.current),
    ...(request.smaller !== undefined && { smaller: classFacts(request.smaller) }),
    ...(request.larger !== undefined && { larger: classFacts(request.larger) }),
    metricsAt: at,
    metrics: metricFacts(request, at),
    percentOfClass: percentOfClass(request),
    scaleUpIfAny: {
      cpuAbove: policy.scaleUp.cpuPercent,
      freeMemoryBelow: policy.scaleUp.freeMemoryPercent,
      connectionsAbove: policy.scaleUp.connectionsPercent,
    },
    scaleDownIfAll: {
      cpuBelow: policy.scaleDown.cpuPercent,
      freeMemoryAbove: policy.scaleDown.freeMemoryPercent,
      connectionsBelow: policy.scaleDown.connectionsPercent,
    },
    scaleDown: {
      conditionsHold: quietSince !== undefined,
      ...(quietSince !== undefined && { quietMinutes: minutes(request.quietSeconds) }),
      windowMinutes: minutes(policy.scaleDownWindowSeconds),
    },
    cooldown: {
      minutes: minutes(policy.cooldownSeconds),
      ...(lastScaled !== undefined && { lastScaled: formatRfc3339(lastScaled) }),
    },
    rules: {
      decision: request.rules.decision,
      instanceClass: request.rules.instanceClass,
      reasoning: request.rules.reasoning,
    },
  };
}

// A word, a time or a measurement reads back from YAML as the same string without quotes.
const PLAIN = /^(?:[A-Za-z][\w./-]*|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ|\d[\d.e+-]* [A-Za-z][\w/]*)$/;
// Words YAML 1.1 or 1.2 would read as a boolean or null.
const KEYWORD = /^(?:true|false|null|yes|no|on|off|y|n)$/i;

/** quoted writes a YAML double-quoted string; "<" escaped keeps it from closing the block. */
function quoted(text: string): string {
  return JSON.stringify(text).replace(/</g, '\\u003c');
}

function plainOrQuoted(text: string): string {
  return PLAIN.test(text) && !KEYWORD.test(text) ? text : quoted(text);
}

/** flow writes a value in YAML flow style, on one line. */
function flow(value: unknown, write: (text: string) => string): string {
  if (typeof value === 'string') return write(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map((item) => flow(item, write)).join(', ')}]`;
  if (typeof value !== 'object' || value === null) return 'null';
  const entries = Object.entries(value).filter(([, inner]) => inner !== undefined);
  return `{${entries.map(([key, inner]) => `${key}: ${flow(inner, write)}`).join(', ')}}`;
}

/**
 * formatFacts writes the facts as YAML, a fact a line: what JSON would say, with keys and plain
 * words unquoted. The database's own text is always quoted.
 */
export function formatFacts(facts: Facts): string {
  return Object.entries(facts)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => {
      const write = key === 'database' ? quoted : plainOrQuoted;
      return `${key}: ${flow(value, write)}`;
    })
    .join('\n');
}
