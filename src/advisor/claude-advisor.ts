/**
 * The Claude advisor: asks the model about a resize the rules call for, under the analysis's
 * deadline, within the process's cap on concurrent calls, and once for concurrent requests
 * about the same database. Every failure is an answer with a cause, never an exception.
 */
import { createHash } from 'node:crypto';

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
import type { LatencyMemory } from './latency.js';
import type { Limiter } from './limiter.js';
import { buildRequest } from './prompt.js';
import type { SingleFlight } from './single-flight.js';

/** ADVISOR_NAME names this advisor in decisions and metrics. */
export const ADVISOR_NAME = 'claude';

/** ClaudeAdvisorOptions are what one request's Claude advisor works with. */
export interface ClaudeAdvisorOptions {
  readonly client: Anthropic;
  /** The key the client sends, so no log line ever carries it. */
  readonly apiKey: string;
  readonly prompt: Input['prompt'];
  /** The deadline, in seconds, that the caller's signal enforces; named in messages. */
  readonly timeoutSeconds: number;
  readonly limiter: Limiter;
  /** How long the model usually answers in, shared by the process like the limiter. */
  readonly latency: LatencyMemory;
  readonly flights: SingleFlight<AdvisorAnswer>;
  readonly telemetry: Telemetry;
  readonly log: Logger;
}

/** INTERNAL_DETAIL says that a call failed for a reason of this function's, not the model's. */
const INTERNAL_DETAIL = 'the function failed to ask the model; its log says why';

function failure(cause: FallbackCause, detail: string, usage?: TokenUsage): AdvisorAnswer {
  return { ok: false, cause, detail, ...(usage !== undefined && { usage }) };
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
  if (err instanceof Anthropic.AnthropicError || err instanceof SyntaxError) {
    return failure(
      'invalid-output',
      'the Messages API answered with something that is not a message',
    );
  }
  return failure('internal', INTERNAL_DETAIL);
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

const MAX_CAUSES_SEARCHED = 5;

/** mentions tells whether an error, or any error it was caused by, has the text in its words. */
function mentions(err: unknown, text: string): boolean {
  let current: unknown = err;
  for (let depth = 0; depth < MAX_CAUSES_SEARCHED && current instanceof Error; depth++) {
    if (current.message.includes(text) || (current.stack ?? '').includes(text)) return true;
    current = current.cause;
  }
  return false;
}

/**
 * logFailure logs why a call failed, with the error's stack and cause unless they hold the key
 * (an HTTP client may quote a header it refused): then only the error's type. A failure that is
 * this function's own, not the model's, is an error; the rest are routine, at debug.
 */
function logFailure(log: Logger, err: unknown, answer: AdvisorAnswer, apiKey: string): void {
  const cause = answer.ok ? undefined : answer.cause;
  const safe =
    apiKey !== '' && mentions(err, apiKey)
      ? {
          errorType: err instanceof Error ? err.name : typeof err,
          errorText: 'withheld: it quotes the API key',
        }
      : { err };
  if (cause === 'internal') log.error({ ...safe, cause }, 'cannot ask the model');
  else log.debug({ ...safe, cause }, 'model call failed');
}

/** seconds writes a time in ms as seconds to one decimal: 1234 -> "1.2s". */
function seconds(ms: number): string {
  return `${(Math.max(0, ms) / 1000).toFixed(1)}s`;
}

/**
 * ask makes the call, once a slot is free. deadlineAt is when the caller's signal aborts, on
 * performance.now()'s clock: a slot that comes free with less time left than the model usually
 * takes is handed back unused, since a call started then would be abandoned at the deadline.
 */
async function ask(
  options: ClaudeAdvisorOptions,
  request: AdviceRequest,
  signal: AbortSignal,
  deadlineAt: number,
  log: Logger,
): Promise<AdvisorAnswer> {
  const { limiter, latency, telemetry, prompt } = options;
  const model = prompt.modelName;
  const body = buildRequest(prompt, factsFor(request));
  const release = await limiter.acquire(signal);
  // No request was made in either case: the fallback is counted, not a model request.
  if (release === undefined) {
    return failure('busy', `every model call slot stayed taken for ${options.timeoutSeconds}s`);
  }
  const leftMs = deadlineAt - performance.now();
  const usualMs = latency.usualMs(model);
  if (usualMs !== undefined && leftMs < usualMs) {
    release();
    const detail = `a model call slot came free ${seconds(leftMs)} before the deadline; the model usually answers in ${seconds(usualMs)}`;
    log.debug({ model, leftMs: Math.round(leftMs), usualMs }, 'not asking the model so late');
    return failure('busy', detail);
  }
  telemetry.modelCallsInFlight(limiter.inUse());
  const started = performance.now();
  let message: Anthropic.Message;
  try {
    message = await options.client.messages.create(body, { signal });
    // Noted before the slot is released, so the next caller is judged by this answer too.
    latency.record(model, performance.now() - started);
  } catch (err) {
    const durationMs = Math.round(performance.now() - started);
    const answer = failureOf(err, signal, options.timeoutSeconds);
    telemetry.modelRequest(model, answer.ok ? 'ok' : answer.cause, durationMs);
    logFailure(log.child({ model, durationMs }), err, answer, options.apiKey);
    return answer;
  } finally {
    release();
    telemetry.modelCallsInFlight(limiter.inUse());
  }
  const durationMs = Math.round(performance.now() - started);
  const usage = usageOf(message);
  const answer = readAnswer(message);
  telemetry.modelRequest(model, answer.ok ? 'ok' : answer.cause, durationMs, usage);
  log.debug({ model, durationMs, usage, stopReason: message.stop_reason }, 'model answered');
  if (!answer.ok) return failure(answer.cause, answer.detail, usage);
  return { ok: true, advice: answer.advice, decidedBy: `${ADVISOR_NAME}/${model}`, usage };
}

/**
 * flightKey names one question about one database, asked one way: concurrent requests share a
 * call only when they would have sent the same request with the same key and deadline.
 */
function flightKey(options: ClaudeAdvisorOptions, request: AdviceRequest): string {
  const { subject, rules } = request;
  return createHash('sha256')
    .update(
      JSON.stringify([
        options.apiKey,
        options.prompt,
        options.timeoutSeconds,
        subject.kind,
        subject.namespace ?? '',
        subject.name,
        rules.decision,
        rules.instanceClass,
      ]),
    )
    .digest('hex');
}

/** newClaudeAdvisor returns the advisor for one request. */
export function newClaudeAdvisor(options: ClaudeAdvisorOptions): Advisor {
  return {
    name: ADVISOR_NAME,
    advise: async (request, signal) => {
      // The caller's signal aborts timeoutSeconds from now: the analysis's deadline starts as
      // the advisor is asked.
      const deadlineAt = performance.now() + options.timeoutSeconds * 1000;
      const { kind, namespace, name } = request.subject;
      const log = options.log.child({ kind, namespace, name });
      try {
        return await options.flights.run(flightKey(options, request), () =>
          ask(options, request, signal, deadlineAt, log),
        );
      } catch (err) {
        // A fault of this function's, not the model's: the rules decide, and the log says why.
        const answer = failure('internal', INTERNAL_DETAIL);
        logFailure(log, err, answer, options.apiKey);
        return answer;
      }
    },
  };
}
