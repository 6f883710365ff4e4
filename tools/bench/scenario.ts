/**
 * A scenario is one workload to measure our server under: how it is started, what it is sent,
 * and what the answer must look like for the measurement to count. The baseline, an echo
 * function, gets the same requests. Adding a scenario is adding a module and one line to
 * scenarios.ts.
 */
import type {
  RunFunctionRequest,
  RunFunctionResponse,
} from '@crossplane-org/function-sdk-typescript';

/** Level is one concurrency and how many calls are measured at it. */
export interface Level {
  readonly concurrency: number;
  readonly requests: number;
}

/** DEFAULT_LEVELS suit a path that answers in about a millisecond. */
export const DEFAULT_LEVELS: readonly Level[] = [
  { concurrency: 1, requests: 3_000 },
  { concurrency: 16, requests: 20_000 },
  { concurrency: 64, requests: 20_000 },
];

/** PreparedScenario is a scenario whose dependencies run, ready to be measured. */
export interface PreparedScenario {
  /** Flags added to our server's command line. */
  readonly serverArgs: readonly string[];
  /** Variables added to our server's environment. */
  readonly serverEnv: Readonly<Record<string, string>>;
  /** Levels to measure; default DEFAULT_LEVELS. */
  readonly levels?: readonly Level[];
  /** request builds the request to send, its time-dependent fields as of now. */
  request(now: Date): RunFunctionRequest;
  /** check says what is wrong with our server's answer, or nothing when it took the measured path. */
  check(rsp: RunFunctionResponse): string | undefined;
  /** cleanup stops whatever prepare started. */
  cleanup(): Promise<void>;
}

/** Scenario is one workload. */
export interface Scenario {
  /** A short name for --scenario and the results, e.g. "rules". */
  readonly name: string;
  /** One sentence saying what is measured. */
  readonly summary: string;
  /** prepare starts what the scenario needs besides the servers (a fake API, say). */
  prepare(root: string): Promise<PreparedScenario>;
}
