/**
 * Facts: what the model is told about one database. Facts only, already checked: the time,
 * who the database is, its class and the neighbours it may move to, every metric with its
 * derived percentage, the thresholds, the cooldown and scale-down window, and the rules'
 * verdict. Nothing is copied from the resource as free text, so nothing in it can instruct.
 */
import { METRIC_UNITS } from '../resource/performance-metrics.js';
import type { MetricName } from '../resource/performance-metrics.js';
import type { AdviceRequest } from '../scaling/advisor.js';
import type { InstanceClass } from '../scaling/instance-classes.js';
import { addSeconds, formatRfc3339 } from '../time.js';

/** ClassFacts describes one instance class. */
export interface ClassFacts {
  readonly name: string;
  readonly vcpus: number;
  readonly memoryGiB: number;
}

/** MetricFacts is one CloudWatch datapoint with the percentage the thresholds read. */
export interface MetricFacts {
  readonly name: MetricName;
  readonly value: number;
  readonly unit: string;
  /** The figure the thresholds compare: CPU %, free memory %, connections % of the class. */
  readonly percent?: number;
  /** When the datapoint was taken, when that differs from `metricsAt`. */
  readonly timestamp?: string;
}

/** Facts is the JSON the model reads between <facts> tags. */
export interface Facts {
  readonly now: string;
  readonly database: {
    readonly kind: string;
    readonly namespace: string | null;
    readonly name: string;
    readonly engine: string | null;
  };
  readonly instanceClass: {
    readonly current: ClassFacts;
    readonly smaller: ClassFacts | null;
    readonly larger: ClassFacts | null;
    readonly ladder: readonly string[];
    readonly min: string;
    readonly max: string;
  };
  /** When most datapoints were taken. */
  readonly metricsAt: string;
  readonly metrics: readonly MetricFacts[];
  /** Limits in percent, as the metrics' `percent` reads them. */
  readonly thresholds: {
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
  };
  readonly scaleUpTriggers: readonly string[];
  readonly scaleDown: {
    readonly conditionsHold: boolean;
    readonly quietMinutes: number;
    readonly windowMinutes: number;
    readonly quietSince?: string;
  };
  readonly cooldown: {
    readonly minutes: number;
    readonly lastScaled?: string;
    readonly endsAt?: string;
  };
  /** The built-in rules' verdict: the only resize the guardrails allow. */
  readonly rules: {
    readonly decision: string;
    readonly instanceClass: string;
    readonly reasoning: string;
  };
}

function classFacts(cls: InstanceClass | undefined): ClassFacts | null {
  if (cls === undefined) return null;
  return { name: cls.name, vcpus: cls.vcpus, memoryGiB: cls.memoryBytes / 1024 ** 3 };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

function percentOf(name: MetricName, request: AdviceRequest): number | undefined {
  const { utilisation } = request;
  if (name === 'CPUUtilization') return utilisation.cpuPercent;
  if (name === 'FreeableMemory') return utilisation.freeMemoryPercent;
  if (name === 'DatabaseConnections') return utilisation.connectionsPercent;
  return undefined;
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

function metricFacts(request: AdviceRequest, at: string): MetricFacts[] {
  return (Object.keys(METRIC_UNITS) as MetricName[]).flatMap((name) => {
    const sample = request.metrics.samples[name];
    if (sample === undefined) return [];
    const percent = percentOf(name, request);
    const timestamp = formatRfc3339(sample.timestamp);
    return [
      {
        name,
        value: significant(sample.value),
        unit: sample.unit,
        ...(percent !== undefined && { percent: round(percent) }),
        ...(timestamp !== at && { timestamp }),
      },
    ];
  });
}

/** factsFor turns an advice request into the facts the model reads. */
export function factsFor(request: AdviceRequest): Facts {
  const { policy, subject, lastScaled } = request;
  const minutes = (seconds: number) => round(seconds / 60);
  const at = metricsAt(request);
  return {
    now: formatRfc3339(request.now),
    database: {
      kind: subject.kind,
      namespace: subject.namespace ?? null,
      name: subject.name,
      engine: subject.engine ?? null,
    },
    instanceClass: {
      current: classFacts(request.current) ?? {
        name: request.current.name,
        vcpus: 0,
        memoryGiB: 0,
      },
      smaller: classFacts(request.smaller),
      larger: classFacts(request.larger),
      ladder: policy.ladder,
      min: policy.minInstanceClass,
      max: policy.maxInstanceClass,
    },
    metricsAt: at,
    metrics: metricFacts(request, at),
    thresholds: {
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
    },
    scaleUpTriggers: request.scaleUpFindings.filter((f) => f.holds).map((f) => f.signal),
    scaleDown: {
      conditionsHold: request.quietSince !== undefined,
      quietMinutes: minutes(request.quietSeconds),
      windowMinutes: minutes(policy.scaleDownWindowSeconds),
      ...(request.quietSince !== undefined && { quietSince: formatRfc3339(request.quietSince) }),
    },
    cooldown: {
      minutes: minutes(policy.cooldownSeconds),
      ...(lastScaled !== undefined && {
        lastScaled: formatRfc3339(lastScaled),
        endsAt: formatRfc3339(addSeconds(lastScaled, policy.cooldownSeconds)),
      }),
    },
    rules: {
      decision: request.rules.decision,
      instanceClass: request.rules.instanceClass,
      reasoning: request.rules.reasoning,
    },
  };
}
