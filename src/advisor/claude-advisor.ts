/**
 * The Claude advisor: asks the model about a resize the rules call for, under the analysis's
 * deadline, within the process's cap on concurrent calls, and once for concurrent requests
 * about the same database. Every failure is an answer with a cause, never an exception.
 */
import Anthropic from '@anthropic-ai/sdk';
import type { Logger } from 'pino';

import type { Input } from '../input/prompt.js';
import type {
  AdviceRequest,
  Advisor,
  AdvisorAnswer,
  FallbackCause,
  TokenUsage,
} from '../scaling/advisor.js';
import type { Telemetry } from '../telemetry/telemetry.js';
import { readAnswer } from './answer.js';
import { factsFor } from './facts.js';
import type { Limiter } from './limiter.js';
import { buildRequest } from './prompt.js';
import type { SingleFlight } from './single-flight.js';

/** ADVISOR_NAME names this advisor in decisions and metrics. */
export const ADVISOR_NAME = 'claude';

/** ClaudeAdvisorOptions are what one request's Claude advisor works with. */
export interface ClaudeAdvisorOptions {
  readonly client: Anthropic;
  readonly prompt: Input['prompt'];
  /** The deadline, in seconds, that the caller's signal enforces; named in messages. */
  readonly timeoutSeconds: number;
  readonly limiter: Limiter;
  readonly flights: SingleFlight<AdvisorAnswer>;
  readonly telemetry: Telemetry;
  readonly log: Logger;
}

function failure(cause: FallbackCause, detail: string): AdvisorAnswer {
  return { ok: false, cause, detail };
}

/** failureOf names why a call failed, in words that never carry the request or the key. */
export function failureOf(
  err: unknown,
  signal: AbortSignal,
  timeoutSeconds: number,
): AdvisorAnswer {
  if (signal.aborted || err instanceof Anthropic.APIConnectionTimeoutError) {
    return failure('timeout', `no answer within ${timeoutSeconds}s`);
  }
  if (err instanceof Anthropic.APIConnectionError)
    return failure('unavailable', 'cannot connect to the Messages API');
  if (err instanceof Anthropic.RateLimitError)
    return failure('rate-limited', 'HTTP 429 from the Messages API');
  if (err instanceof Anthropic.APIError && err.status === 529) {
    return failure('overloaded', 'HTTP 529 from the Messages API');
  }
  if (err instanceof Anthropic.InternalServerError) {
    return failure('unavailable', `HTTP ${err.status} from the Messages API`);
  }
  if (err instanceof Anthropic.APIError && err.status !== undefined) {
    return failure('rejected', `HTTP ${err.status} from the Messages API`);
  }
  // A body that is not JSON surfaces as a parse error from the SDK.
  return failure(
    'invalid-output',
    'the Messages API answered with something that is not a message',
  );
}

function usageOf(message: Anthropic.Message): TokenUsage {
  const { usage } = message;
  return {
    inputTokens: usage.input_tokens,
    outputTokens: usage.output_tokens,
    cacheReadTokens: usage.cache_read_input_tokens ?? 0,
    cacheWriteTokens: usage.cache_creation_input_tokens ?? 0,
  };
}

async function ask(
  options: ClaudeAdvisorOptions,
  request: AdviceRequest,
  signal: AbortSignal,
): Promise<AdvisorAnswer> {
  const { limiter, telemetry, prompt, log } = options;
  const model = prompt.modelName;
  const release = await limiter.acquire(signal);
  if (release === undefined) {
    telemetry.modelRequest(model, 'busy', 0);
    return failure('busy', `every model call slot stayed taken for ${options.timeoutSeconds}s`);
  }
  telemetry.modelCallsInFlight(limiter.inUse());
  const started = performance.now();
  try {
    const message = await options.client.messages.create(buildRequest(prompt, factsFor(request)), {
      signal,
    });
    const durationMs = Math.round(performance.now() - started);
    const usage = usageOf(message);
    const answer = readAnswer(message);
    telemetry.modelRequest(model, answer.ok ? 'ok' : answer.cause, durationMs, usage);
    log.debug({ model, durationMs, usage, stopReason: message.stop_reason }, 'model answered');
    if (!answer.ok) return { ...answer };
    return { ok: true, advice: answer.advice, decidedBy: `${ADVISOR_NAME}/${model}`, usage };
  } catch (err) {
    const durationMs = Math.round(performance.now() - started);
    const answer = failureOf(err, signal, options.timeoutSeconds);
    telemetry.modelRequest(model, answer.ok ? 'ok' : answer.cause, durationMs);
    log.debug(
      { err, model, durationMs, cause: answer.ok ? undefined : answer.cause },
      'model call failed',
    );
    return answer;
  } finally {
    release();
    telemetry.modelCallsInFlight(limiter.inUse());
  }
}

/** newClaudeAdvisor returns the advisor for one request. */
export function newClaudeAdvisor(options: ClaudeAdvisorOptions): Advisor {
  return {
    name: ADVISOR_NAME,
    advise: (request, signal) => {
      const { subject, rules } = request;
      // Concurrent requests about one database, asking the same question, share one call.
      const key = [
        options.prompt.modelName,
        subject.kind,
        subject.namespace ?? '',
        subject.name,
        rules.decision,
        rules.instanceClass,
      ].join('|');
      return options.flights.run(key, () => ask(options, request, signal));
    },
  };
}
