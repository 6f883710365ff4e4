/**
 * Utilisation turns CloudWatch's absolute figures into the percentages the thresholds speak
 * in, for the class a database runs on now or for one it might move to.
 */
import { maxConnections } from './instance-classes.js';
import type { Engine, InstanceClass } from './instance-classes.js';

/** Load is what CloudWatch reported; a metric with no datapoint is absent. */
export interface Load {
  /** CPUUtilization in percent of the class's vCPUs. */
  readonly cpuPercent?: number;
  /** FreeableMemory in bytes. */
  readonly freeableMemoryBytes?: number;
  /** DatabaseConnections, a count. */
  readonly connections?: number;
}

/** Utilisation is the load as percentages of one class's capacity. */
export interface Utilisation {
  readonly cpuPercent?: number;
  readonly freeMemoryPercent?: number;
  readonly connectionsPercent?: number;
}

/** utilisation expresses the load on `cls` in percent; connections need a known engine. */
export function utilisation(
  load: Load,
  cls: InstanceClass,
  engine: Engine | undefined,
): Utilisation {
  return {
    ...(load.cpuPercent !== undefined && { cpuPercent: load.cpuPercent }),
    ...(load.freeableMemoryBytes !== undefined && {
      freeMemoryPercent: (100 * load.freeableMemoryBytes) / cls.memoryBytes,
    }),
    ...(load.connections !== undefined &&
      engine !== undefined && {
        connectionsPercent: (100 * load.connections) / maxConnections(cls, engine),
      }),
  };
}

/**
 * projectLoad estimates what the same demand would report on another class: CPU scales with
 * the vCPU count, and the memory in use stays in use, so free memory changes by the difference
 * in capacity. Connections are a count and do not change.
 */
export function projectLoad(load: Load, from: InstanceClass, to: InstanceClass): Load {
  return {
    ...(load.cpuPercent !== undefined && {
      cpuPercent: Math.min(100, (load.cpuPercent * from.vcpus) / to.vcpus),
    }),
    ...(load.freeableMemoryBytes !== undefined && {
      freeableMemoryBytes: Math.max(
        0,
        load.freeableMemoryBytes + to.memoryBytes - from.memoryBytes,
      ),
    }),
    ...(load.connections !== undefined && { connections: load.connections }),
  };
}
