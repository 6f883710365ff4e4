/**
 * One replay of one trace under one advisor policy: the built-in rules alone, a fake model that
 * answers the way the policy says (through the real SDK and the real advisor, against the local
 * fake Messages API), or the public demo's naive policy.
 */
import type { Logger } from 'pino';

import { claudeSettingsFromEnv, newAdvisorFactory } from '../../src/advisor/advisor-factory.js';
import type { Telemetry } from '../../src/telemetry/telemetry.js';
import { isPolicyName } from '../fake-messages-api/policy.js';
import type { PolicyName } from '../fake-messages-api/policy.js';
import { startFakeMessagesApi } from '../fake-messages-api/server.js';
import type { FakeMessagesApi } from '../fake-messages-api/server.js';
import type { Driver } from './driver.js';
import { newFunctionDriver } from './function-driver.js';
import { newNaiveDriver } from './naive.js';
import { traceInput } from './prompt-input.js';
import { replay } from './replay.js';
import type { Minute } from './replay.js';
import { score } from './score.js';
import type { Figures, Prices } from './score.js';
import type { Trace } from './trace.js';

/** REPLAY_POLICIES are the advisor policies `--all-policies` replays, in report order. */
export const REPLAY_POLICIES = [
  'rules',
  'follow',
  'veto',
  'scale-up',
  'scale-down',
  'garbage',
  'timeout',
] as const;

/** NAIVE is the name the demo's policy is reported under. */
export const NAIVE = 'naive';

/**
 * ReplayPolicy names who advises the function: `rules` (no API key), `timeout` (a model that
 * never answers), or any policy of the fake Messages API.
 */
export type ReplayPolicy = 'rules' | 'timeout' | PolicyName;

/** isReplayPolicy reports whether a string names a replay policy. */
export function isReplayPolicy(value: string): value is ReplayPolicy {
  return value === 'rules' || value === 'timeout' || isPolicyName(value);
}

/** MAX_CONCURRENT_MODEL_CALLS is the per-process cap the replay's function runs with, as main's default. */
const MAX_CONCURRENT_MODEL_CALLS = 4;

/** RunOptions are the settings every replay of an invocation shares. */
export interface RunOptions {
  /** How long RDS takes to apply a new class, in seconds. */
  readonly applyDelaySeconds: number;
  /** The input's `spec.advisor.timeout`, as a duration. */
  readonly advisorTimeout: string;
  readonly prices: Prices;
  readonly flapWindowSeconds: number;
  /** Default: silent. */
  readonly logger?: Logger;
}

/** RunResult is one trace replayed under one policy. */
export interface RunResult {
  readonly trace: string;
  readonly policy: string;
  readonly figures: Figures;
  readonly minutes: readonly Minute[];
  /** HTTP requests the fake Messages API received, retries included; absent without a fake. */
  readonly httpRequests?: number;
}

function inputOf(trace: Trace, options: RunOptions) {
  const input = traceInput(trace, options.advisorTimeout);
  if (!input.ok) throw new Error(`cannot replay trace "${trace.name}": ${input.message}`);
  return input;
}

async function replayWith(
  trace: Trace,
  policy: string,
  driver: Driver,
  options: RunOptions,
): Promise<Omit<RunResult, 'httpRequests'>> {
  const { input } = inputOf(trace, options);
  const minutes = await replay({ trace, driver, applyDelaySeconds: options.applyDelaySeconds });
  const figures = score(minutes, {
    policy: input.policy,
    engine: trace.engine,
    durationSeconds: minutes.length * trace.stepSeconds,
    stepSeconds: trace.stepSeconds,
    prices: options.prices,
    flapWindowSeconds: options.flapWindowSeconds,
  });
  return { trace: trace.name, policy, figures, minutes };
}

function advisorFor(fake: FakeMessagesApi) {
  // The settings a process would read from ANTHROPIC_API_KEY and ANTHROPIC_BASE_URL; the real
  // environment is never read, so a replay cannot reach the real API.
  const settings = claudeSettingsFromEnv(
    { ANTHROPIC_API_KEY: 'replay', ANTHROPIC_BASE_URL: fake.url },
    MAX_CONCURRENT_MODEL_CALLS,
  );
  return (telemetry: Telemetry, logger: Logger) => newAdvisorFactory(settings, telemetry, logger);
}

/** runPolicy replays a trace through the function with the given advisor policy. */
export async function runPolicy(
  trace: Trace,
  policy: ReplayPolicy,
  options: RunOptions,
): Promise<RunResult> {
  const { raw } = inputOf(trace, options);
  const logger = options.logger;
  if (policy === 'rules') {
    const driver = newFunctionDriver({ input: raw, ...(logger !== undefined && { logger }) });
    return replayWith(trace, policy, driver, options);
  }
  const fake = await startFakeMessagesApi({ policy: policy === 'timeout' ? 'hang' : policy });
  try {
    const driver = newFunctionDriver({
      input: raw,
      advisorFor: advisorFor(fake),
      ...(logger !== undefined && { logger }),
    });
    const result = await replayWith(trace, policy, driver, options);
    return { ...result, httpRequests: fake.calls };
  } finally {
    await fake.close();
  }
}

/** runNaive replays a trace under the public demo's policy. */
export async function runNaive(trace: Trace, options: RunOptions): Promise<RunResult> {
  const { input } = inputOf(trace, options);
  return replayWith(trace, NAIVE, newNaiveDriver(input.policy, trace.engine), options);
}
