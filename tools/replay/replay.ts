/**
 * The replay loop: a CronOperation that runs every step. Before each run the metrics step writes
 * what CloudWatch has — the demand one minute earlier, on the class RDS was running then — onto
 * the XSQLInstance; the run decides; its patch is applied, annotations and class, and a new class
 * reaches RDS after the modification delay. So a resize changes what later runs see, as in RDS.
 */
import { instanceClass } from '../../src/scaling/instance-classes.js';
import { addSeconds } from '../../src/time.js';
import { Cluster, DATABASE_NAME, REGION } from './cluster.js';
import { demandAt } from './demand.js';
import type { Demand } from './demand.js';
import type { Driver, RunOutcome } from './driver.js';
import { metricsOn, performanceMetrics } from './metrics.js';
import type { Trace } from './trace.js';

/** CLOUDWATCH_LAG_SECONDS is how far behind the clock the newest datapoint is. */
export const CLOUDWATCH_LAG_SECONDS = 60;

/** DEFAULT_APPLY_DELAY_SECONDS is how long RDS takes to apply a new class: 8 minutes. */
export const DEFAULT_APPLY_DELAY_SECONDS = 480;

/** ReplayOptions say what to replay and who decides. */
export interface ReplayOptions {
  readonly trace: Trace;
  readonly driver: Driver;
  /** How long RDS takes to apply a new class, in seconds. */
  readonly applyDelaySeconds: number;
}

/** Datapoint is what CloudWatch reported to one run. */
export interface Datapoint {
  readonly at: Date;
  readonly demand: Demand;
  /** The class RDS ran on when the datapoint was taken. */
  readonly instanceClass: string;
}

/** Minute is one run of the replay and the world around it. */
export interface Minute {
  readonly at: Date;
  /** The demand at this minute. */
  readonly demand: Demand;
  /** The class RDS runs on at this minute. */
  readonly runningClass: string;
  /** The class the XSQLInstance asks for once this run's patch is applied. */
  readonly requestedClass: string;
  readonly datapoint: Datapoint;
  readonly outcome: RunOutcome;
  /** Set when this run changed the class. */
  readonly resize?: { readonly from: string; readonly to: string };
}

/** runCount is how many times the CronOperation runs during a trace. */
export function runCount(trace: Trace): number {
  return Math.floor(trace.durationSeconds / trace.stepSeconds);
}

function datapointFor(trace: Trace, cluster: Cluster, now: Date): Datapoint {
  const at = addSeconds(now, -CLOUDWATCH_LAG_SECONDS);
  const cls = cluster.reportedClassAt(at);
  const demand = demandAt(trace, at);
  const known = instanceClass(cls);
  if (known !== undefined) {
    cluster.setMetrics(
      performanceMetrics(metricsOn(demand, known, trace.storageGB), {
        databaseName: DATABASE_NAME,
        region: REGION,
        datapointAt: at,
        collectedAt: now,
      }),
    );
  }
  return { at, demand, instanceClass: cls };
}

/** replay runs a trace through a driver and returns every minute of it. */
export async function replay(options: ReplayOptions): Promise<Minute[]> {
  const { trace, driver } = options;
  const cluster = new Cluster({
    engine: trace.engine,
    startClass: trace.startClass,
    storageGB: trace.storageGB,
    start: trace.start,
    applyDelaySeconds: options.applyDelaySeconds,
  });
  const minutes: Minute[] = [];
  for (let i = 0; i < runCount(trace); i++) {
    const now = addSeconds(trace.start, i * trace.stepSeconds);
    cluster.advance(now);
    const datapoint = datapointFor(trace, cluster, now);
    const before = cluster.requestedClass;
    const outcome = await driver.run(cluster, now);
    if (outcome.patch !== undefined) cluster.apply(outcome.patch, now);
    const after = cluster.requestedClass;
    minutes.push({
      at: now,
      demand: demandAt(trace, now),
      runningClass: cluster.reportedClassAt(now),
      requestedClass: after,
      datapoint,
      outcome,
      ...(after !== before && { resize: { from: before, to: after } }),
    });
  }
  return minutes;
}
