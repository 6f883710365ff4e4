/**
 * What decides each minute of a replay: the function itself, or the demo's naive policy. Both
 * read the same simulated cluster and answer with the same record, so every figure is measured
 * the same way for both.
 */
import type { TokenUsage } from '../../src/scaling/advisor.js';
import type { Cluster, Patch } from './cluster.js';

/** ModelCall is one request to the model: how it ended and the tokens it was billed. */
export interface ModelCall {
  /** `ok`, or the function's fallback cause (`timeout`, `invalid-output`, ...). */
  readonly outcome: string;
  readonly usage?: TokenUsage;
}

/** DecisionRecord is what one run decided about the database. */
export interface DecisionRecord {
  readonly analyzed: boolean;
  readonly skipReason?: string;
  /** Set when a resize was called for and the cooldown held it back. */
  readonly blockedByCooldown?: boolean;
  readonly verdict: string;
  readonly fromClass: string;
  readonly toClass: string;
  readonly reasoning: string;
  readonly decidedBy: string;
}

/** ResultRecord is one result of a run's final response. */
export interface ResultRecord {
  readonly severity: 'FATAL' | 'WARNING' | 'NORMAL';
  readonly reason: string;
  readonly message: string;
}

/** RunOutcome is what one scheduled run did. */
export interface RunOutcome {
  /** What the run asks to change on the XSQLInstance; absent when it returns nothing for it. */
  readonly patch?: Patch;
  readonly decision?: DecisionRecord;
  readonly modelCalls: readonly ModelCall[];
  readonly results: readonly ResultRecord[];
  /** RunFunction calls the run took: 2 when the function asked for the RDS Instance. */
  readonly functionCalls: number;
}

/** Driver decides one run at a time against the cluster as it stands. */
export interface Driver {
  run(cluster: Cluster, now: Date): Promise<RunOutcome>;
}
