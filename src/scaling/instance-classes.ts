/**
 * The RDS instance classes this function can reason about, with the figures that turn
 * CloudWatch's absolute metrics into percentages.
 */

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

/** InstanceClass is one RDS DB instance class and its capacity. */
export interface InstanceClass {
  /** The class name, for example `db.t3.micro`. */
  readonly name: string;
  /** Virtual CPUs. */
  readonly vcpus: number;
  /** Nominal memory in bytes. */
  readonly memoryBytes: number;
}

/** Engine is a database engine whose default max_connections this function knows. */
export type Engine = 'postgres' | 'mysql' | 'mariadb';

/** ENGINES lists the engines in the order the input CRD documents them. */
export const ENGINES: readonly Engine[] = ['postgres', 'mysql', 'mariadb'];

// Burstable classes do not follow the vCPU-to-memory ratio of the fixed families.
const burstable: ReadonlyArray<readonly [size: string, vcpus: number, memoryGiB: number]> = [
  ['micro', 2, 1],
  ['small', 2, 2],
  ['medium', 2, 4],
  ['large', 2, 8],
  ['xlarge', 4, 16],
  ['2xlarge', 8, 32],
];

// Fixed-performance families scale by a size multiplier over `large` (2 vCPUs).
const sizeMultipliers: Readonly<Record<string, number>> = {
  large: 1,
  xlarge: 2,
  '2xlarge': 4,
  '4xlarge': 8,
  '8xlarge': 16,
  '12xlarge': 24,
  '16xlarge': 32,
  '24xlarge': 48,
  '32xlarge': 64,
};

const families: ReadonlyArray<
  readonly [family: string, memoryGiBPerVcpu: number, largestSize: string]
> = [
  ['m5', 4, '24xlarge'],
  ['m6g', 4, '16xlarge'],
  ['m6i', 4, '32xlarge'],
  ['m7g', 4, '16xlarge'],
  ['r5', 8, '24xlarge'],
  ['r6g', 8, '16xlarge'],
  ['r6i', 8, '32xlarge'],
  ['r7g', 8, '16xlarge'],
];

function buildTable(): ReadonlyMap<string, InstanceClass> {
  const table = new Map<string, InstanceClass>();
  const add = (name: string, vcpus: number, memoryGiB: number): void => {
    table.set(name, { name, vcpus, memoryBytes: memoryGiB * GiB });
  };
  for (const family of ['t3', 't4g']) {
    for (const [size, vcpus, memoryGiB] of burstable) add(`db.${family}.${size}`, vcpus, memoryGiB);
  }
  for (const [family, memoryGiBPerVcpu, largestSize] of families) {
    const largest = sizeMultipliers[largestSize] ?? 1;
    for (const [size, multiplier] of Object.entries(sizeMultipliers)) {
      if (multiplier > largest) continue;
      const vcpus = 2 * multiplier;
      add(`db.${family}.${size}`, vcpus, vcpus * memoryGiBPerVcpu);
    }
  }
  return table;
}

const table = buildTable();

/** instanceClass returns the named class, or undefined when this function does not know it. */
export function instanceClass(name: string): InstanceClass | undefined {
  return table.get(name);
}

/** knownInstanceClasses lists every class in the table, for documentation and tests. */
export function knownInstanceClasses(): readonly InstanceClass[] {
  return [...table.values()];
}

/**
 * dbInstanceClassMemoryBytes approximates RDS's DBInstanceClassMemory: the nominal memory less
 * what the operating system and RDS processes keep. RDS does not publish the figure; 256 MiB
 * plus 2% of the nominal memory reproduces the documented default max_connections of the t3
 * classes to within a few connections.
 */
export function dbInstanceClassMemoryBytes(cls: InstanceClass): number {
  return cls.memoryBytes - 256 * MiB - 0.02 * cls.memoryBytes;
}

/** maxConnections returns the engine's default max_connections on the class, as RDS sets it. */
export function maxConnections(cls: InstanceClass, engine: Engine): number {
  const memory = dbInstanceClassMemoryBytes(cls);
  if (engine === 'postgres') return Math.min(Math.floor(memory / 9_531_392), 5000);
  return Math.floor(memory / 12_582_880);
}
