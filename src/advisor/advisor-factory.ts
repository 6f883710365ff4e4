/**
 * Choosing the advisor for a request: Claude when an API key is configured — the step's
 * credential `claude` (key ANTHROPIC_API_KEY, as the public demo's Secret has it), else the
 * process environment — and the built-in rules otherwise, quietly.
 */
import { createHash } from 'node:crypto';

import Anthropic from '@anthropic-ai/sdk';
import type { RunFunctionRequest } from '@crossplane-org/function-sdk-typescript';
import type { Logger } from 'pino';

import type { AdvisorFactory } from '../function/run-function.js';
import { rulesAdvisor } from '../scaling/advisor.js';
import type { Advisor, AdvisorAnswer } from '../scaling/advisor.js';
import type { Telemetry } from '../telemetry/telemetry.js';
import { newClaudeAdvisor } from './claude-advisor.js';
import { newLatencyMemory } from './latency.js';
import { newLimiter } from './limiter.js';
import { newSingleFlight } from './single-flight.js';

/** CREDENTIAL_NAME is the step credential that carries the key. */
export const CREDENTIAL_NAME = 'claude';

/** CREDENTIAL_KEY is the key of the credential's data that holds the API key. */
export const CREDENTIAL_KEY = 'ANTHROPIC_API_KEY';

/** SDK_MAX_RETRIES is how often the SDK retries 429, 529, 5xx and connection errors, within the deadline. */
export const SDK_MAX_RETRIES = 2;

/** ClaudeSettings are the process-wide settings of the Claude advisor. */
export interface ClaudeSettings {
  /** ANTHROPIC_API_KEY from the environment, used when a step has no credential. */
  readonly envApiKey?: string;
  /** ANTHROPIC_BASE_URL, for an API gateway or proxy; unset means the SDK's default. */
  readonly baseURL?: string;
  /** The cap on concurrent model calls in this process. */
  readonly maxConcurrentCalls: number;
}

/** claudeSettingsFromEnv reads the Claude advisor's settings from the environment, once. */
export function claudeSettingsFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  maxConcurrentCalls: number,
): ClaudeSettings {
  const envApiKey = env['ANTHROPIC_API_KEY']?.trim();
  const baseURL = env['ANTHROPIC_BASE_URL']?.trim();
  return {
    ...(envApiKey !== undefined && envApiKey !== '' && { envApiKey }),
    ...(baseURL !== undefined && baseURL !== '' && { baseURL }),
    maxConcurrentCalls,
  };
}

/** apiKeyOf returns the step's key, else the environment's, else undefined. */
export function apiKeyOf(req: RunFunctionRequest, settings: ClaudeSettings): string | undefined {
  const bytes = req.credentials[CREDENTIAL_NAME]?.credentialData?.data[CREDENTIAL_KEY];
  const fromStep = bytes === undefined ? '' : Buffer.from(bytes).toString('utf8').trim();
  return fromStep !== '' ? fromStep : settings.envApiKey;
}

// An API key is visible ASCII; anything else cannot travel in an HTTP header, and the client's
// complaint about it would quote the key.
const usableKey = /^[\x21-\x7e]+$/;

/** unusableKeyAdvisor answers every question with why the configured key cannot be used. */
const unusableKeyAdvisor: Advisor = {
  name: 'claude',
  advise: () =>
    Promise.resolve({
      ok: false,
      cause: 'rejected',
      detail: 'the API key holds characters an HTTP header cannot carry',
    }),
};

/** The SDK's own log lines go to ours, without their arguments, which may hold a request. */
function sdkLogger(log: Logger) {
  return {
    error: (message: string) => {
      log.error({ source: 'anthropic-sdk' }, message);
    },
    warn: (message: string) => {
      log.warn({ source: 'anthropic-sdk' }, message);
    },
    info: (message: string) => {
      log.debug({ source: 'anthropic-sdk' }, message);
    },
    debug: (message: string) => {
      log.debug({ source: 'anthropic-sdk' }, message);
    },
  };
}

const MAX_CLIENTS = 16;

/** newAdvisorFactory builds the factory a process uses for every request. */
export function newAdvisorFactory(
  settings: ClaudeSettings,
  telemetry: Telemetry,
  logger: Logger,
): AdvisorFactory {
  const limiter = newLimiter(settings.maxConcurrentCalls);
  const latency = newLatencyMemory();
  const flights = newSingleFlight<AdvisorAnswer>();
  // One client per key, found by the key's hash so the key is never a map key in a heap dump.
  const clients = new Map<string, Anthropic>();
  const clientFor = (apiKey: string): Anthropic => {
    const id = createHash('sha256').update(apiKey).digest('hex');
    const existing = clients.get(id);
    if (existing !== undefined) return existing;
    if (clients.size >= MAX_CLIENTS) clients.delete(clients.keys().next().value ?? '');
    const client = new Anthropic({
      apiKey,
      ...(settings.baseURL !== undefined && { baseURL: settings.baseURL }),
      maxRetries: SDK_MAX_RETRIES,
      logger: sdkLogger(logger),
      logLevel: 'warn',
    });
    clients.set(id, client);
    return client;
  };
  return (req, input, log) => {
    const apiKey = apiKeyOf(req, settings);
    if (apiKey === undefined) {
      log.debug('no API key: the built-in rules decide');
      return rulesAdvisor;
    }
    if (!usableKey.test(apiKey)) return unusableKeyAdvisor;
    return newClaudeAdvisor({
      client: clientFor(apiKey),
      apiKey,
      prompt: input.prompt,
      timeoutSeconds: input.advisor.timeoutSeconds,
      limiter,
      latency,
      flights,
      telemetry,
      log,
    });
  };
}
