/**
 * From demand to CloudWatch: the figures a class would report under a demand, and the
 * `status.performanceMetrics` object the demo's metrics step writes from them. CPU is a share of
 * the class's vCPUs, free memory what the class has left, connections and IOPS as they are.
 */
import type { Engine, InstanceClass } from '../../src/scaling/instance-classes.js';
import type { Policy } from '../../src/scaling/policy.js';
import { scaleDownCheck, scaleUpFindings } from '../../src/scaling/thresholds.js';
import type { Finding } from '../../src/scaling/thresholds.js';
import { utilisation } from '../../src/scaling/utilisation.js';
import type { Utilisation } from '../../src/scaling/utilisation.js';
import { formatRfc3339 } from '../../src/time.js';
import type { Demand } from './demand.js';

const GiB = 1024 ** 3;

/** ClassMetrics are what CloudWatch reports for one class under one demand, in its own units. */
export interface ClassMetrics {
  /** CPUUtilization, percent. */
  readonly cpuPercent: number;
  /** FreeableMemory, bytes. */
  readonly freeableMemoryBytes: number;
  /** DatabaseConnections, a count. */
  readonly connections: number;
  readonly readIops?: number;
  readonly writeIops?: number;
  /** FreeStorageSpace, bytes; present when the trace gives storage in use. */
  readonly freeStorageBytes?: number;
}

/** metricsOn turns demand into what `cls` reports: CPU capped at 100%, free memory at 0. */
export function metricsOn(demand: Demand, cls: InstanceClass, storageGB: number): ClassMetrics {
  const { readIops, writeIops, storageBytes } = demand;
  return {
    cpuPercent: Math.min(100, (100 * demand.cpuVcpus) / cls.vcpus),
    // CloudWatch reports bytes as whole numbers.
    freeableMemoryBytes: Math.max(0, Math.round(cls.memoryBytes - demand.memoryBytes)),
    connections: demand.connections,
    ...(readIops !== undefined && { readIops }),
    ...(writeIops !== undefined && { writeIops }),
    ...(storageBytes !== undefined && {
      freeStorageBytes: Math.max(0, Math.round(storageGB * GiB - storageBytes)),
    }),
  };
}

/** utilisationOn is demand as the percentages the thresholds read, on `cls`. */
export function utilisationOn(
  demand: Demand,
  cls: InstanceClass,
  engine: Engine,
  storageGB = 20,
): Utilisation {
  const m = metricsOn(demand, cls, storageGB);
  return utilisation(
    {
      cpuPercent: m.cpuPercent,
      freeableMemoryBytes: m.freeableMemoryBytes,
      connections: m.connections,
    },
    cls,
    engine,
  );
}

/** upTriggers are the scale-up thresholds the demand crosses on `cls`. */
export function upTriggers(
  demand: Demand,
  cls: InstanceClass,
  engine: Engine,
  policy: Policy,
): Finding[] {
  return scaleUpFindings(utilisationOn(demand, cls, engine), policy.scaleUp).filter((f) => f.holds);
}

/** quietOn says whether every scale-down condition holds for the demand on `cls`. */
export function quietOn(
  demand: Demand,
  cls: InstanceClass,
  engine: Engine,
  policy: Policy,
): boolean {
  return scaleDownCheck(utilisationOn(demand, cls, engine), policy.scaleDown).holds;
}

/** MetricsStamp says whose metrics they are and when CloudWatch took and the step read them. */
export interface MetricsStamp {
  readonly databaseName: string;
  readonly region: string;
  readonly datapointAt: Date;
  readonly collectedAt: Date;
}

/** performanceMetrics writes metrics the way the demo's metrics step does. */
export function performanceMetrics(
  metrics: ClassMetrics,
  stamp: MetricsStamp,
): Record<string, unknown> {
  const timestamp = formatRfc3339(stamp.datapointAt);
  const sample = (value: number, unit: string) => ({ timestamp, unit, value });
  const { readIops, writeIops, freeStorageBytes } = metrics;
  return {
    databaseName: stamp.databaseName,
    metrics: {
      CPUUtilization: sample(metrics.cpuPercent, 'Percent'),
      DatabaseConnections: sample(metrics.connections, 'Count'),
      ...(freeStorageBytes !== undefined && {
        FreeStorageSpace: sample(freeStorageBytes, 'Bytes'),
      }),
      FreeableMemory: sample(metrics.freeableMemoryBytes, 'Bytes'),
      ...(readIops !== undefined && { ReadIOPS: sample(readIops, 'Count/Second') }),
      ...(writeIops !== undefined && { WriteIOPS: sample(writeIops, 'Count/Second') }),
    },
    region: stamp.region,
    timestamp: stamp.collectedAt.toISOString(),
  };
}
