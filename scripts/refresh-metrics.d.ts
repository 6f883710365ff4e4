// Types for refresh-metrics.js, so TypeScript (the test harness) can import it.

/** FRESHNESS_MARGIN_SECONDS is how long before now the newest refreshed timestamp lands. */
export declare const FRESHNESS_MARGIN_SECONDS: number;

/** TimestampUpdate is the new value of one timestamp, at its path from the object's root. */
export interface TimestampUpdate {
  readonly path: readonly (string | number)[];
  readonly value: string;
}

/**
 * metricTimestampUpdates lists the new value of every RFC 3339 timestamp under
 * status.performanceMetrics: all shifted alike, the newest to FRESHNESS_MARGIN_SECONDS before now.
 */
export declare function metricTimestampUpdates(obj: unknown, now: Date): TimestampUpdate[];

/** freshMetrics returns a copy of obj whose status.performanceMetrics timestamps end just before now. */
export declare function freshMetrics<T>(obj: T, now: Date): T;
