/**
 * The scaling policy: the thresholds, ladder and timings every decision is held to. The
 * input schema (src/input/) fills it from the step's input; defaults live there.
 */

/** Thresholds are utilisation limits in percent. */
export interface Thresholds {
  /** CPUUtilization in percent. */
  readonly cpuPercent: number;
  /** FreeableMemory as a percentage of the class's memory. */
  readonly freeMemoryPercent: number;
  /** DatabaseConnections as a percentage of the engine's default max_connections. */
  readonly connectionsPercent: number;
}

/** TargetKind names a kind of composite resource this function resizes in an Operation. */
export interface TargetKind {
  /** API group, for example `aws.platform.upbound.io`; any version matches. */
  readonly apiGroup: string;
  /** Kind, for example `XSQLInstance`. */
  readonly kind: string;
}

/** Policy is the validated, defaulted scaling policy of one step. */
export interface Policy {
  /** Scale up when any of these holds: CPU above, free memory below, connections above. */
  readonly scaleUp: Thresholds;
  /** Scale down only when all hold for scaleDownWindowSeconds: CPU, connections below, free memory above. */
  readonly scaleDown: Thresholds;
  /** Instance classes from smallest to largest; a resize moves one step along it. */
  readonly ladder: readonly string[];
  /** The smallest class this function may choose; on the ladder. */
  readonly minInstanceClass: string;
  /** The largest class this function may choose; on the ladder. */
  readonly maxInstanceClass: string;
  /** Minimum time between two analyses of one database. */
  readonly analysisIntervalSeconds: number;
  /** Minimum time between two resizes of one database. */
  readonly cooldownSeconds: number;
  /** How long the scale-down conditions must hold before a scale-down. */
  readonly scaleDownWindowSeconds: number;
  /** Metrics older than this are stale and never acted on. */
  readonly maxMetricsAgeSeconds: number;
  /** Kinds of composite resource an Operation resizes. */
  readonly targets: readonly TargetKind[];
  /** Write the decision but never change the class. */
  readonly recommendOnly: boolean;
}
