/**
 * The fake Messages API, driven through the real @anthropic-ai/sdk client over real sockets:
 * every policy's answer, the SDK error each failure becomes, authentication, what the fake
 * records, token usage with prompt caching, retries, delays, concurrency and the CLI.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import Anthropic, {
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from '@anthropic-ai/sdk';
import type { ClientOptions } from '@anthropic-ai/sdk';
import type { MessageCreateParamsNonStreaming } from '@anthropic-ai/sdk/resources/messages';
import { afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';

import { formatFacts } from '../../src/advisor/facts.js';
import type { Facts } from '../../src/advisor/facts.js';
import type { Policy } from '../../tools/fake-messages-api/policy.js';
import { startFakeMessagesApi } from '../../tools/fake-messages-api/server.js';
import type { FakeMessagesApi } from '../../tools/fake-messages-api/server.js';

const MODEL = 'claude-sonnet-4-5';

const LADDER = ['db.t3.micro', 'db.t3.small', 'db.t3.medium', 'db.t3.large'];

const MEMORY_GIB: Readonly<Record<string, number>> = {
  'db.t3.micro': 1,
  'db.t3.small': 2,
  'db.t3.medium': 4,
  'db.t3.large': 8,
};

function classFacts(name: string): Facts['class'] {
  return { name, vcpus: 2, memoryGiB: MEMORY_GIB[name] ?? 0 };
}

/** factsFor builds the facts of a db.t3 database whose rules said `rules`. */
function factsFor(current: string, rules: Facts['rules']): Facts {
  const position = LADDER.indexOf(current);
  const smaller = position > 0 ? LADDER[position - 1] : undefined;
  const larger = position >= 0 ? LADDER[position + 1] : undefined;
  return {
    now: '2025-09-15T12:54:00Z',
    database: { kind: 'XSQLInstance', namespace: 'default', name: 'orders', engine: 'postgres' },
    class: classFacts(current),
    ...(smaller !== undefined && { smaller: classFacts(smaller) }),
    ...(larger !== undefined && { larger: classFacts(larger) }),
    metricsAt: '2025-09-15T12:52:00Z',
    metrics: { CPUUtilization: '91.5 Percent' },
    percentOfClass: { cpu: 91.5 },
    scaleUpIfAny: { cpuAbove: 80, freeMemoryBelow: 20, connectionsAbove: 80 },
    scaleDownIfAll: { cpuBelow: 30, freeMemoryAbove: 50, connectionsBelow: 30 },
    scaleDown: { conditionsHold: false, windowMinutes: 60 },
    cooldown: { minutes: 15 },
    rules,
  };
}

const SCALE_UP_RULES: Facts['rules'] = {
  decision: 'ScaleUp',
  instanceClass: 'db.t3.medium',
  reasoning: 'CPU 91.5% is above 80%.',
};

const FACTS = factsFor('db.t3.small', SCALE_UP_RULES);

const SYSTEM = 'You right-size RDS databases. Call the decide tool once.';

const DECIDE_TOOL: Anthropic.Tool = {
  name: 'decide',
  description: 'Record the scaling decision.',
  input_schema: {
    type: 'object',
    properties: {
      decision: { type: 'string', enum: ['ScaleUp', 'ScaleDown', 'NoChange'] },
      instanceClass: { type: 'string' },
      reasoning: { type: 'string' },
    },
    required: ['decision', 'instanceClass', 'reasoning'],
  },
};

/**
 * userText asks for a decision with facts in a facts block, written as the function writes them
 * (a string as it stands), or with no block for null.
 */
function userText(facts: Facts | string | null): string {
  if (facts === null) return 'Decide for this database.';
  const text = typeof facts === 'string' ? facts : formatFacts(facts);
  return `Decide for this database.\n<facts>\n${text}\n</facts>`;
}

/** ask builds the request the function makes: a forced call of the decide tool. */
function ask(facts: Facts | string | null = FACTS): MessageCreateParamsNonStreaming {
  return {
    model: MODEL,
    max_tokens: 1024,
    system: SYSTEM,
    tools: [DECIDE_TOOL],
    tool_choice: { type: 'tool', name: 'decide' },
    messages: [{ role: 'user', content: userText(facts) }],
  };
}

function clientFor(fake: FakeMessagesApi, options: ClientOptions = {}) {
  return new Anthropic({ apiKey: 'test-key', baseURL: fake.url, maxRetries: 0, ...options });
}

/** promptTokens is the fake's count of what a request without cache breakpoints reads. */
function promptTokens(request: MessageCreateParamsNonStreaming): number {
  const system = request.system === undefined ? '' : JSON.stringify(request.system);
  const tools = (request.tools ?? []).map((tool) => JSON.stringify(tool)).join('');
  return Math.ceil((tools + system + JSON.stringify(request.messages)).length / 4);
}

/** messageFrom is the whole message the fake sends for its first request. */
function messageFrom(
  request: MessageCreateParamsNonStreaming,
  content: readonly object[],
  stopReason: string,
): object {
  return {
    id: 'msg_fake000001',
    type: 'message',
    role: 'assistant',
    model: request.model,
    content,
    stop_reason: stopReason,
    stop_sequence: null,
    usage: {
      input_tokens: promptTokens(request),
      output_tokens: Math.ceil(JSON.stringify(content).length / 4),
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
    },
  };
}

function decideCall(decision: string, instanceClass: string, reasoning: string): object {
  const input = { decision, instanceClass, reasoning };
  return { type: 'tool_use', id: 'toolu_fake000001', name: 'decide', input };
}

/** caught runs a call that should fail and returns what it threw. */
async function caught(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => new Error('the call succeeded'),
    (err: unknown) => err,
  );
}

/** apiError is err as the SDK's APIError, or undefined when it is something else. */
function apiError(err: unknown): APIError | undefined {
  return err instanceof APIError ? err : undefined;
}

/** errorFields is what identifies an API error: its class, status and error type. */
function errorFields(err: unknown): object {
  const api = apiError(err);
  if (api === undefined) return { notAnApiError: String(err) };
  return { class: api.constructor.name, status: api.status, type: api.type };
}

let fake: FakeMessagesApi;

beforeEach(async () => {
  fake = await startFakeMessagesApi();
});

afterEach(async () => {
  await fake.close();
});

describe('policies that answer', () => {
  interface Row {
    readonly name: string;
    readonly reason: string;
    readonly given: { readonly policy: Policy['name']; readonly facts?: Facts | 'none' };
    readonly want: { readonly content: readonly object[]; readonly stopReason: string };
  }

  const rows: Row[] = [
    {
      name: 'follow',
      reason: 'The fake agrees with the rules, which is what a well-behaved model does.',
      given: { policy: 'follow' },
      want: {
        content: [
          decideCall('ScaleUp', 'db.t3.medium', 'Agreeing with the rules: CPU 91.5% is above 80%.'),
        ],
        stopReason: 'tool_use',
      },
    },
    {
      name: 'veto',
      reason: 'A model may hold the class against the rules; the guardrails allow NoChange.',
      given: { policy: 'veto' },
      want: {
        content: [
          decideCall(
            'NoChange',
            'db.t3.small',
            'Holding the current class: the metrics do not justify a change yet.',
          ),
        ],
        stopReason: 'tool_use',
      },
    },
    {
      name: 'scale-up',
      reason: 'One step up the ladder, whatever the rules said.',
      given: { policy: 'scale-up' },
      want: {
        content: [
          decideCall(
            'ScaleUp',
            'db.t3.medium',
            'Scaling up one step: the database needs more headroom.',
          ),
        ],
        stopReason: 'tool_use',
      },
    },
    {
      name: 'scale-up at the top',
      reason: 'With no larger class, the fake names the current one.',
      given: { policy: 'scale-up', facts: factsFor('db.t3.large', SCALE_UP_RULES) },
      want: {
        content: [
          decideCall(
            'ScaleUp',
            'db.t3.large',
            'Scaling up one step: the database needs more headroom.',
          ),
        ],
        stopReason: 'tool_use',
      },
    },
    {
      name: 'scale-down',
      reason: 'One step down the ladder, whatever the rules said.',
      given: { policy: 'scale-down' },
      want: {
        content: [
          decideCall(
            'ScaleDown',
            'db.t3.micro',
            'Scaling down one step: the database has been quiet.',
          ),
        ],
        stopReason: 'tool_use',
      },
    },
    {
      name: 'scale-down at the bottom',
      reason: 'With no smaller class, the fake names the current one.',
      given: { policy: 'scale-down', facts: factsFor('db.t3.micro', SCALE_UP_RULES) },
      want: {
        content: [
          decideCall(
            'ScaleDown',
            'db.t3.micro',
            'Scaling down one step: the database has been quiet.',
          ),
        ],
        stopReason: 'tool_use',
      },
    },
    {
      name: 'jump',
      reason: 'Two sizes up the family, which the guardrails must refuse.',
      given: { policy: 'jump' },
      want: {
        content: [
          decideCall(
            'ScaleUp',
            'db.t3.large',
            'Scaling up two steps: one step will not be enough.',
          ),
        ],
        stopReason: 'tool_use',
      },
    },
    {
      name: 'jump near the top',
      reason: 'Two sizes would leave the family, so the fake stops at its largest.',
      given: { policy: 'jump', facts: factsFor('db.t3.xlarge', SCALE_UP_RULES) },
      want: {
        content: [
          decideCall(
            'ScaleUp',
            'db.t3.2xlarge',
            'Scaling up two steps: one step will not be enough.',
          ),
        ],
        stopReason: 'tool_use',
      },
    },
    {
      name: 'off-ladder',
      reason: 'A class on no ladder, which the guardrails must refuse.',
      given: { policy: 'off-ladder' },
      want: {
        content: [
          decideCall(
            'ScaleUp',
            'db.r6g.16xlarge',
            'Scaling up to the largest memory-optimised class to be safe.',
          ),
        ],
        stopReason: 'tool_use',
      },
    },
    {
      name: 'garbage',
      reason: 'A tool call whose input fails the schema; it needs no facts.',
      given: { policy: 'garbage', facts: 'none' },
      want: {
        content: [
          {
            type: 'tool_use',
            id: 'toolu_fake000001',
            name: 'decide',
            input: { decision: 'Maybe', size: 3 },
          },
        ],
        stopReason: 'tool_use',
      },
    },
    {
      name: 'prose',
      reason: 'A model that talks instead of calling the tool.',
      given: { policy: 'prose' },
      want: {
        content: [{ type: 'text', text: 'I think you should scale up.' }],
        stopReason: 'end_turn',
      },
    },
    {
      name: 'max-tokens',
      reason: 'A model cut off mid-sentence, before any tool call.',
      given: { policy: 'max-tokens' },
      want: {
        content: [
          {
            type: 'text',
            text: 'Looking at the metrics, the CPU has been above the threshold for',
          },
        ],
        stopReason: 'max_tokens',
      },
    },
    {
      name: 'refusal',
      reason: 'A model that declines: no content and no tool call.',
      given: { policy: 'refusal' },
      want: { content: [], stopReason: 'refusal' },
    },
  ];

  test.each(rows)('$name', async ({ given, want }) => {
    fake.setPolicy(given.policy);
    const request = ask(given.facts === 'none' ? null : (given.facts ?? FACTS));

    const message = await clientFor(fake).messages.create(request);

    expect(message).toEqual(messageFrom(request, want.content, want.stopReason));
  });
});

describe('policies and requests that fail', () => {
  interface Row {
    readonly name: string;
    readonly reason: string;
    readonly given: { readonly policy: Policy['name']; readonly facts?: Facts | string | null };
    readonly want: { readonly class: string; readonly status: number; readonly type: string };
  }

  const rows: Row[] = [
    {
      name: 'status:429',
      reason: 'A rate limit becomes the SDK RateLimitError.',
      given: { policy: 'status:429' },
      want: { class: 'RateLimitError', status: 429, type: 'rate_limit_error' },
    },
    {
      name: 'status:529',
      reason: 'Overload becomes an InternalServerError subclass with status 529.',
      given: { policy: 'status:529' },
      want: { class: 'OverloadedError', status: 529, type: 'overloaded_error' },
    },
    {
      name: 'status:500',
      reason: 'An internal error becomes the SDK InternalServerError.',
      given: { policy: 'status:500' },
      want: { class: 'InternalServerError', status: 500, type: 'api_error' },
    },
    {
      name: 'no facts block',
      reason: 'A policy that reads the facts cannot answer without them.',
      given: { policy: 'follow', facts: null },
      want: { class: 'BadRequestError', status: 400, type: 'invalid_request_error' },
    },
    {
      name: 'facts that are not YAML',
      reason: 'An unparseable facts block is an invalid request.',
      given: { policy: 'veto', facts: '{"now": ' },
      want: { class: 'BadRequestError', status: 400, type: 'invalid_request_error' },
    },
    {
      name: 'facts of the wrong shape',
      reason: 'Facts that lack the rules verdict are not the Facts the function sends.',
      given: { policy: 'follow', facts: formatFacts(FACTS).replace(/\nrules: .*$/, '') },
      want: { class: 'BadRequestError', status: 400, type: 'invalid_request_error' },
    },
  ];

  test.each(rows)('$name', async ({ given, want }) => {
    fake.setPolicy(given.policy);
    const request = ask('facts' in given ? given.facts : FACTS);

    const err = await caught(clientFor(fake).messages.create(request));

    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect(errorFields(err)).toEqual(want);
  });

  test('the status policies ask for a retry a few milliseconds later', async () => {
    fake.setPolicy('status:529');

    const err = await caught(clientFor(fake).messages.create(ask()));

    expect(err).toBeInstanceOf(Anthropic.InternalServerError);
    expect(apiError(err)?.headers?.get('retry-after-ms')).toBe('5');
  });

  test('malformed-json answers 200 with a body the SDK cannot parse', async () => {
    fake.setPolicy('malformed-json');

    const err = await caught(clientFor(fake).messages.create(ask()));

    expect(err).toBeInstanceOf(SyntaxError);
  });

  test('a request body that is not a Messages request is a 400', async () => {
    const client = clientFor(fake);

    const err = await caught(client.post('/v1/messages', { body: { model: MODEL } }));

    expect(errorFields(err)).toEqual({
      class: 'BadRequestError',
      status: 400,
      type: 'invalid_request_error',
    });
    expect(apiError(err)?.error).toEqual({
      type: 'error',
      error: {
        type: 'invalid_request_error',
        message: 'cannot read request: max_tokens: is required; messages: is required',
      },
      request_id: 'req_fake000001',
    });
  });

  test('a streaming request is a 400, since the fake answers with whole messages', async () => {
    const err = await caught(clientFor(fake).messages.create({ ...ask(), stream: true }));

    expect(errorFields(err)).toEqual({
      class: 'BadRequestError',
      status: 400,
      type: 'invalid_request_error',
    });
  });

  test('any other path is a 404 with an error body', async () => {
    const err = await caught(clientFor(fake).models.list());

    expect(errorFields(err)).toEqual({
      class: 'NotFoundError',
      status: 404,
      type: 'not_found_error',
    });
    expect(fake.requests.map(({ method, path }) => ({ method, path }))).toEqual([
      { method: 'GET', path: '/v1/models' },
    ]);
  });
});

describe('authentication', () => {
  interface Row {
    readonly name: string;
    readonly reason: string;
    readonly given: { readonly defaultHeaders: Record<string, string | null> };
    readonly want: { readonly answered: boolean; readonly headers: Record<string, string> };
  }

  const rows: Row[] = [
    {
      name: 'bearer',
      reason: 'The 1.x SDK sends the key as a bearer token.',
      given: { defaultHeaders: {} },
      want: { answered: true, headers: { authorization: 'Bearer test-key' } },
    },
    {
      name: 'x-api-key',
      reason: 'The 0.x SDK and curl examples send x-api-key.',
      given: { defaultHeaders: { Authorization: null, 'X-Api-Key': 'test-key' } },
      want: { answered: true, headers: { 'x-api-key': 'test-key' } },
    },
    {
      name: 'neither',
      reason: 'Without a key the fake answers 401, as the real API does.',
      given: { defaultHeaders: { Authorization: null } },
      want: { answered: false, headers: {} },
    },
  ];

  test.each(rows)('$name', async ({ given, want }) => {
    const client = clientFor(fake, { defaultHeaders: given.defaultHeaders });

    const outcome = await client.messages.create(ask()).then(
      (message) => message.stop_reason,
      (err: unknown) => errorFields(err),
    );

    expect(outcome).toEqual(
      want.answered
        ? 'tool_use'
        : { class: 'AuthenticationError', status: 401, type: 'authentication_error' },
    );
    const recorded = fake.requests[0]?.headers ?? {};
    const auth = Object.fromEntries(
      ['authorization', 'x-api-key'].flatMap((name) => {
        const value = recorded[name];
        return value === undefined ? [] : [[name, value]];
      }),
    );
    expect(auth).toEqual(want.headers);
  });
});

describe('what the fake records', () => {
  test('the method, path, headers, body and facts of every request', async () => {
    const request = ask();

    await clientFor(fake).messages.create(request);

    expect(fake.requests).toHaveLength(1);
    const [recorded] = fake.requests;
    expect({
      method: recorded?.method,
      path: recorded?.path,
      authorization: recorded?.headers['authorization'],
      contentType: recorded?.headers['content-type'],
      body: recorded?.body,
      facts: recorded?.facts,
    }).toEqual({
      method: 'POST',
      path: '/v1/messages',
      authorization: 'Bearer test-key',
      contentType: 'application/json',
      body: request,
      facts: FACTS,
    });
  });

  test('the last facts block of the last user message, in text blocks too', async () => {
    const older = factsFor('db.t3.micro', SCALE_UP_RULES);
    const request: MessageCreateParamsNonStreaming = {
      ...ask(),
      messages: [
        { role: 'user', content: userText(older) },
        { role: 'assistant', content: 'Which database?' },
        {
          role: 'user',
          content: [
            { type: 'text', text: userText(older) },
            { type: 'text', text: userText(FACTS) },
          ],
        },
      ],
    };

    await clientFor(fake).messages.create(request);

    expect(fake.requests[0]?.facts).toEqual(FACTS);
  });

  test('a request without facts is recorded without them', async () => {
    fake.setPolicy('prose');

    await clientFor(fake).messages.create(ask(null));

    expect(fake.requests[0]?.facts).toBeUndefined();
  });
});

describe('token usage', () => {
  test('a token for every four characters of the serialised prompt', async () => {
    fake.setPolicy('prose');
    const request: MessageCreateParamsNonStreaming = {
      model: MODEL,
      max_tokens: 16,
      messages: [{ role: 'user', content: 'abcd' }],
    };

    const message = await clientFor(fake).messages.create(request);

    // [{"role":"user","content":"abcd"}] is 34 characters; the answer's content is 56.
    expect(message.usage).toEqual({
      input_tokens: 9,
      output_tokens: 14,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
    });
  });

  /** cached marks the system prompt, the tool, or neither as the end of the cached prefix. */
  function cached(
    at: 'system' | 'tools' | 'neither',
    system = SYSTEM,
  ): MessageCreateParamsNonStreaming {
    const breakpoint = { cache_control: { type: 'ephemeral' as const } };
    return {
      ...ask(),
      system: [{ type: 'text', text: system, ...(at === 'system' && breakpoint) }],
      tools: [{ ...DECIDE_TOOL, ...(at === 'tools' && breakpoint) }],
    };
  }

  interface Row {
    readonly name: string;
    readonly reason: string;
    readonly given: { readonly requests: readonly MessageCreateParamsNonStreaming[] };
    /** Per request: which cache field holds the prefix, or none. */
    readonly want: readonly ('write' | 'read' | 'none')[];
  }

  const rows: Row[] = [
    {
      name: 'a repeated system prefix',
      reason: 'The first request writes the prefix, the second reads it.',
      given: { requests: [cached('system'), cached('system')] },
      want: ['write', 'read'],
    },
    {
      name: 'a repeated tools prefix',
      reason: 'A breakpoint on a tool caches the tools.',
      given: { requests: [cached('tools'), cached('tools')] },
      want: ['write', 'read'],
    },
    {
      name: 'a changed system prompt',
      reason: 'A different prefix hashes differently and is written again.',
      given: { requests: [cached('system'), cached('system', `${SYSTEM} Be brief.`)] },
      want: ['write', 'write'],
    },
    {
      name: 'no breakpoint',
      reason: 'Without cache_control everything is input.',
      given: { requests: [cached('neither'), cached('neither')] },
      want: ['none', 'none'],
    },
  ];

  test.each(rows)('$name', async ({ given, want }) => {
    const client = clientFor(fake);
    const usages = [];
    for (const request of given.requests) {
      usages.push((await client.messages.create(request)).usage);
    }

    const seen = usages.map((usage) => {
      if ((usage.cache_creation_input_tokens ?? 0) > 0) return 'write';
      if ((usage.cache_read_input_tokens ?? 0) > 0) return 'read';
      return 'none';
    });
    expect(seen).toEqual(want);
  });

  test('a cached prefix and the rest add up to the uncached count', async () => {
    const client = clientFor(fake);
    const uncached = await client.messages.create(cached('neither'));
    const first = await client.messages.create(cached('system'));
    const second = await client.messages.create(cached('system'));

    const prefix = first.usage.cache_creation_input_tokens ?? 0;
    expect(prefix).toBeGreaterThan(0);
    expect([first.usage, second.usage]).toEqual([
      {
        input_tokens: uncached.usage.input_tokens - prefix,
        output_tokens: uncached.usage.output_tokens,
        cache_creation_input_tokens: prefix,
        cache_read_input_tokens: 0,
      },
      {
        input_tokens: uncached.usage.input_tokens - prefix,
        output_tokens: uncached.usage.output_tokens,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: prefix,
      },
    ]);
  });
});

describe('retries', () => {
  interface Row {
    readonly name: string;
    readonly reason: string;
    readonly given: { readonly policy: Policy; readonly maxRetries: number };
    readonly want: { readonly answered: boolean; readonly calls: number };
  }

  const rows: Row[] = [
    {
      name: 'two 429s, then an answer',
      reason: 'The SDK retries a rate limit after retry-after-ms and the third try succeeds.',
      given: { policy: { name: 'status:429', failTimes: 2 }, maxRetries: 2 },
      want: { answered: true, calls: 3 },
    },
    {
      name: 'two 529s, then an answer',
      reason: 'Overload is retried the same way.',
      given: { policy: { name: 'status:529', failTimes: 2 }, maxRetries: 2 },
      want: { answered: true, calls: 3 },
    },
    {
      name: 'three 500s, two retries',
      reason: 'The SDK gives up once its retries are spent.',
      given: { policy: { name: 'status:500', failTimes: 3 }, maxRetries: 2 },
      want: { answered: false, calls: 3 },
    },
  ];

  test.each(rows)('$name', async ({ given, want }) => {
    fake.setPolicy(given.policy);
    const client = clientFor(fake, { maxRetries: given.maxRetries });

    const answered = await client.messages.create(ask()).then(
      () => true,
      () => false,
    );

    expect({ answered, calls: fake.calls }).toEqual(want);
    expect(fake.requests.map((r) => r.headers['x-stainless-retry-count'])).toEqual(
      ['0', '1', '2'].slice(0, want.calls),
    );
  });

  test('setPolicy restarts the count of failures', async () => {
    const client = clientFor(fake);
    fake.setPolicy({ name: 'status:429', failTimes: 1 });
    const first = await caught(client.messages.create(ask()));
    const second = await client.messages.create(ask());
    fake.setPolicy({ name: 'status:429', failTimes: 1 });
    const third = await caught(client.messages.create(ask()));

    expect([first, second.stop_reason, third].map((r) => errorFields(r))).toEqual([
      { class: 'RateLimitError', status: 429, type: 'rate_limit_error' },
      { notAnApiError: 'tool_use' },
      { class: 'RateLimitError', status: 429, type: 'rate_limit_error' },
    ]);
  });
});

describe('delays, hangs and concurrency', () => {
  test('delayMs holds every answer and counts concurrent calls', async () => {
    fake.setPolicy({ name: 'follow', delayMs: 150 });
    const client = clientFor(fake);
    const started = performance.now();

    const answers = await Promise.all([1, 2, 3].map(() => client.messages.create(ask())));

    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(answers.map((a) => a.stop_reason)).toEqual(['tool_use', 'tool_use', 'tool_use']);
    expect({ calls: fake.calls, inFlight: fake.inFlight, maxInFlight: fake.maxInFlight }).toEqual({
      calls: 3,
      inFlight: 0,
      maxInFlight: 3,
    });
  });

  test('hang never answers, so the SDK times out', async () => {
    fake.setPolicy('hang');
    const client = clientFor(fake, { timeout: 200 });

    const err = await caught(client.messages.create(ask()));

    expect(err).toBeInstanceOf(APIConnectionTimeoutError);
    await expect.poll(() => fake.inFlight).toBe(0);
  });

  test('hang ends when the caller aborts', async () => {
    fake.setPolicy('hang');
    const controller = new AbortController();
    const call = caught(clientFor(fake).messages.create(ask(), { signal: controller.signal }));
    await expect.poll(() => fake.inFlight).toBe(1);

    controller.abort();

    expect(await call).toBeInstanceOf(APIUserAbortError);
    await expect.poll(() => fake.inFlight).toBe(0);
  });

  test('a caller that gives up stops counting before the call it sends next arrives', async () => {
    fake.setPolicy({ name: 'follow', delayMs: 2_000 });
    const client = clientFor(fake, { maxRetries: 0 });
    for (let round = 0; round < 5; round++) {
      await expect.poll(() => fake.inFlight).toBe(0);
      const controller = new AbortController();
      const call = caught(client.messages.create(ask(), { signal: controller.signal }));
      await expect.poll(() => fake.calls).toBe(2 * round + 1);

      controller.abort();
      await call;
      const next = new AbortController();
      const nextCall = caught(client.messages.create(ask(), { signal: next.signal }));
      await expect.poll(() => fake.calls).toBe(2 * round + 2);
      next.abort();
      await nextCall;
    }

    expect(fake.maxInFlight).toBe(1);
  });

  test('close drops a hanging request', async () => {
    fake.setPolicy('hang');
    const call = caught(clientFor(fake).messages.create(ask()));
    await expect.poll(() => fake.inFlight).toBe(1);

    await fake.close();

    expect(await call).toBeInstanceOf(Anthropic.APIConnectionError);
  });

  test('hang with failTimes hangs once, then a retry is answered', async () => {
    fake.setPolicy({ name: 'hang', failTimes: 1 });
    const client = clientFor(fake, { timeout: 200, maxRetries: 1 });

    const message = await client.messages.create(ask());

    expect({ stopReason: message.stop_reason, calls: fake.calls }).toEqual({
      stopReason: 'tool_use',
      calls: 2,
    });
  });
});

describe('the CLI', () => {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const mainJs = `${root}build/tools/fake-messages-api/main.js`;

  beforeAll(async () => {
    // Build every time so the test never runs stale output; tsc still writes its output when a
    // file someone else is editing has a type error, so only a missing file fails the tests.
    const tsc = `${root}node_modules/typescript/bin/tsc`;
    await promisify(execFile)(process.execPath, [tsc, '-p', 'tsconfig.tools.json'], {
      cwd: root,
    }).catch(() => undefined);
    if (!existsSync(mainJs)) throw new Error(`cannot find "${mainJs}": npm run build:tools failed`);
  });

  /** run starts the CLI with only PATH in its environment. */
  function run(args: readonly string[]) {
    const child = spawn(process.execPath, [mainJs, ...args], {
      env: { PATH: process.env['PATH'] ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stdout: string[] = [];
    const stderr: string[] = [];
    createInterface({ input: child.stdout }).on('line', (line) => stdout.push(line));
    createInterface({ input: child.stderr }).on('line', (line) => stderr.push(line));
    const exited = new Promise<number | null>((resolve) => {
      child.once('close', (code) => {
        resolve(code);
      });
    });
    return { child, stdout, stderr, exited };
  }

  test('prints its URL, answers, and exits 0 on SIGTERM', async () => {
    const cli = run(['--policy', 'veto', '--delay-ms', '0', '--port', '0']);
    try {
      await expect.poll(() => cli.stdout.length, { timeout: 15_000 }).toBe(1);
      const url = /^listening on (http:\/\/127\.0\.0\.1:[0-9]+)$/.exec(cli.stdout[0] ?? '')?.[1];
      expect(url).toBeDefined();
      const client = new Anthropic({ apiKey: 'test-key', baseURL: url, maxRetries: 0 });

      const message = await client.messages.create(ask());
      cli.child.kill('SIGTERM');

      expect(
        message.content.map((block) => (block.type === 'tool_use' ? block.input : block)),
      ).toEqual([
        {
          decision: 'NoChange',
          instanceClass: 'db.t3.small',
          reasoning: 'Holding the current class: the metrics do not justify a change yet.',
        },
      ]);
      expect({ code: await cli.exited, stdout: cli.stdout, stderr: cli.stderr }).toEqual({
        code: 0,
        stdout: [`listening on ${url ?? ''}`],
        stderr: [],
      });
    } finally {
      cli.child.kill('SIGKILL');
    }
  });

  interface Row {
    readonly name: string;
    readonly reason: string;
    readonly given: readonly string[];
    readonly want: string;
  }

  const rows: Row[] = [
    {
      name: 'an unknown flag',
      reason: 'parseArgs refuses it.',
      given: ['--colour', 'red'],
      want: 'cannot parse flags: ',
    },
    {
      name: 'an unknown policy',
      reason: 'Only the listed policies exist.',
      given: ['--policy', 'maybe'],
      want: 'cannot parse flag "--policy": "maybe" is not one of follow, veto,',
    },
    {
      name: 'a negative delay',
      reason: 'Delays are whole milliseconds.',
      given: ['--delay-ms', '-5'],
      want: 'cannot parse flag',
    },
    {
      name: 'a port out of range',
      reason: 'Ports stop at 65535.',
      given: ['--port', '70000'],
      want: 'cannot parse flag "--port": "70000" is not a whole number from 0 to 65535',
    },
  ];

  test.each(rows)('refuses $name with one line and exit code 2', async ({ given, want }) => {
    const cli = run(given);

    const code = await cli.exited;

    expect({ code, stdout: cli.stdout, lines: cli.stderr.length }).toEqual({
      code: 2,
      stdout: [],
      lines: 1,
    });
    expect(cli.stderr[0]).toContain(want);
  });
});
