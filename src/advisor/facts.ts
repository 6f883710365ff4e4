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
  readonly timestamp: string;
  /** The figure the thresholds compare: CPU %, free memory %, connections %. */
  readonly percentOfCapacity?: number;
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
  readonly metrics: readonly MetricFacts[];
  readonly thresholds: {
    readonly scaleUpWhenAny: {
      readonly cpuPercentAbove: number;
      readonly freeMemoryPercentBelow: number;
      readonly connectionsPercentAbove: number;
    };
    readonly scaleDownWhenAll: {
      readonly cpuPercentBelow: number;
      readonly freeMemoryPercentAbove: number;
      readonly connectionsPercentBelow: number;
    };
  };
  readonly scaleUpTriggers: readonly string[];
  readonly scaleDown: {
    readonly conditionsHold: boolean;
    readonly quietSince: string | null;
    readonly quietMinutes: number;
    readonly windowMinutes: number;
  };
  readonly cooldown: {
    readonly lastScaled: string | null;
    readonly minutes: number;
    readonly endsAt: string | null;
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

function metricFacts(request: AdviceRequest): MetricFacts[] {
  return (Object.keys(METRIC_UNITS) as MetricName[]).flatMap((name) => {
    const sample = request.metrics.samples[name];
    if (sample === undefined) return [];
    const percent = percentOf(name, request);
    return [
      {
        name,
        value: sample.value,
        unit: sample.unit,
        timestamp: formatRfc3339(sample.timestamp),
        ...(percent !== undefined && { percentOfCapacity: round(percent) }),
      },
    ];
  });
}

/** factsFor turns an advice request into the facts the model reads. */
export function factsFor(request: AdviceRequest): Facts {
  const { policy, subject, lastScaled } = request;
  const minutes = (seconds: number) => round(seconds / 60);
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
    metrics: metricFacts(request),
    thresholds: {
      scaleUpWhenAny: {
        cpuPercentAbove: policy.scaleUp.cpuPercent,
        freeMemoryPercentBelow: policy.scaleUp.freeMemoryPercent,
        connectionsPercentAbove: policy.scaleUp.connectionsPercent,
      },
      scaleDownWhenAll: {
        cpuPercentBelow: policy.scaleDown.cpuPercent,
        freeMemoryPercentAbove: policy.scaleDown.freeMemoryPercent,
        connectionsPercentBelow: policy.scaleDown.connectionsPercent,
      },
    },
    scaleUpTriggers: request.scaleUpFindings.filter((f) => f.holds).map((f) => f.signal),
    scaleDown: {
      conditionsHold: request.quietSince !== undefined,
      quietSince: request.quietSince === undefined ? null : formatRfc3339(request.quietSince),
      quietMinutes: minutes(request.quietSeconds),
      windowMinutes: minutes(policy.scaleDownWindowSeconds),
    },
    cooldown: {
      lastScaled: lastScaled === undefined ? null : formatRfc3339(lastScaled),
      minutes: minutes(policy.cooldownSeconds),
      endsAt:
        lastScaled === undefined
          ? null
          : formatRfc3339(addSeconds(lastScaled, policy.cooldownSeconds)),
    },
    rules: {
      decision: request.rules.decision,
      instanceClass: request.rules.instanceClass,
      reasoning: request.rules.reasoning,
    },
  };
}
