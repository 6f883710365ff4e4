/**
 * A local fake of the Anthropic Messages API: an in-process HTTP server that answers
 * `POST /v1/messages` the way a configurable model would, records every request, counts tokens
 * deterministically (prompt caching included) and counts concurrent calls. Development tooling
 * for tests, the benchmark and the replay tool; never shipped.
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

import { z } from 'zod';

import type { Facts } from '../../src/advisor/facts.js';
import { formatIssues, issueText } from '../../src/input/format-issues.js';
import { readFacts } from './facts.js';
import { DECIDE_TOOL, POLICY_NAMES, isPolicyName, reply } from './policy.js';
import type { ErrorType, FactsReading, Policy, PolicyName, Reply } from './policy.js';

/** FakeMessagesApiOptions say how to start the fake; every field is optional. */
export interface FakeMessagesApiOptions {
  /** How the fake model answers; default `follow` with no delay. */
  readonly policy?: Policy | PolicyName;
  /** The port to listen on; default 0, a free port the system picks. */
  readonly port?: number;
  /** The address to listen on; default 127.0.0.1. */
  readonly host?: string;
}

/** RecordedRequest is one request the fake received, whatever it answered. */
export interface RecordedRequest {
  readonly method: string;
  /** The path without the query string, e.g. "/v1/messages". */
  readonly path: string;
  /** Every header, its name lower-cased; repeated headers are joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  /** The body parsed as JSON; undefined when it is empty or not JSON. */
  readonly body: unknown;
  /** The facts block of the last user message; undefined when absent or unreadable. */
  readonly facts: Facts | undefined;
}

/** FakeMessagesApi is a running fake. */
export interface FakeMessagesApi {
  /** The base URL for ANTHROPIC_BASE_URL or the client's `baseURL`, e.g. "http://127.0.0.1:40123". */
  readonly url: string;
  /** Every request received so far, in the order their bodies arrived. */
  readonly requests: readonly RecordedRequest[];
  /** How many requests arrived, answered or not. */
  readonly calls: number;
  /** How many requests are waiting for their answer now, their clients still connected. */
  readonly inFlight: number;
  /** The most requests that waited for their answer at the same time, counted as inFlight is. */
  readonly maxInFlight: number;
  /** setPolicy changes how the fake answers from the next request on, and restarts failTimes. */
  setPolicy(policy: Policy | PolicyName): void;
  /** close stops listening, drops every open connection, hanging ones included, and resolves. */
  close(): Promise<void>;
}

/** Usage is the `usage` object of a message. */
export interface Usage {
  readonly input_tokens: number;
  readonly output_tokens: number;
  readonly cache_creation_input_tokens: number;
  readonly cache_read_input_tokens: number;
}

/** ContentBlock is one block of an answer, as the Messages API writes it. */
export type ContentBlock =
  | { readonly type: 'text'; readonly text: string }
  | {
      readonly type: 'tool_use';
      readonly id: string;
      readonly name: string;
      readonly input: Readonly<Record<string, unknown>>;
    };

/** CHARACTERS_PER_TOKEN is the fake's tokenizer: a token for every four characters, rounded up. */
export const CHARACTERS_PER_TOKEN = 4;

/** startFakeMessagesApi starts a fake and resolves once it listens. */
export async function startFakeMessagesApi(
  options: FakeMessagesApiOptions = {},
): Promise<FakeMessagesApi> {
  const { host = '127.0.0.1', port = 0 } = options;
  const state = new State(asPolicy(options.policy ?? 'follow'));
  const server = createServer((req, res) => {
    state.handle(req, res).catch((err: unknown) => {
      sendError(res, 500, 'api_error', `cannot answer: ${String(err)}`, {});
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // A server listening on a TCP port always has an AddressInfo.
  const { port: bound } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`,
    requests: state.requests,
    get calls() {
      return state.calls;
    },
    get inFlight() {
      return state.inFlight;
    },
    get maxInFlight() {
      return state.maxInFlight;
    },
    setPolicy: (policy) => {
      state.setPolicy(asPolicy(policy));
    },
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        state.abortAll();
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

// The type already says which names exist; this is for callers in plain JavaScript.
function asPolicy(policy: Policy | PolicyName): Policy {
  const checked = typeof policy === 'string' ? { name: policy } : policy;
  if (!isPolicyName(checked.name)) {
    throw new TypeError(
      `cannot set policy "${String(checked.name)}": it is not one of ${POLICY_NAMES.join(', ')}`,
    );
  }
  return checked;
}

/** State is everything a fake remembers between requests. */
class State {
  readonly requests: RecordedRequest[] = [];
  calls = 0;
  maxInFlight = 0;
  /** Responses not yet closed, each with the connection its request came on. */
  private readonly open = new Map<ServerResponse, Socket | null>();
  private policy: Policy;
  /** How many more requests the policy answers before the fake follows the rules. */
  private owed: number;
  private readonly cachedPrefixes = new Set<string>();
  private readonly pending = new Set<AbortController>();

  constructor(policy: Policy) {
    this.policy = policy;
    this.owed = policy.failTimes ?? Infinity;
  }

  setPolicy(policy: Policy): void {
    this.policy = policy;
    this.owed = policy.failTimes ?? Infinity;
  }

  /**
   * inFlight counts the requests still waiting whose client is still there. A client that gave
   * up has closed its connection, and so stops counting at once, though the response's own
   * close event may come only after a request that client sent next has been read.
   */
  get inFlight(): number {
    let count = 0;
    for (const socket of this.open.values()) {
      if (socket !== null && !socket.destroyed && !socket.readableEnded) count++;
    }
    return count;
  }

  abortAll(): void {
    this.pending.forEach((controller) => {
      controller.abort();
    });
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { ids, gone } = this.arrive(res);
    const headers = { 'request-id': ids.request };
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    const body = parseJson(await readBody(req));
    const reading = readRequest(body);
    const facts = reading.ok && reading.facts.ok ? reading.facts.facts : undefined;
    const method = req.method ?? '';
    this.requests.push({ method, path, headers: flatten(req.headers), body, facts });

    const admission = admit(method, path, req.headers, reading);
    if (!admission.ok) {
      sendError(res, admission.status, admission.errorType, admission.message, headers);
      return;
    }
    const { delayMs = 0 } = this.policy;
    const answer = reply(this.nextPolicyName(), admission.facts);
    if (delayMs > 0) {
      await sleep(delayMs, undefined, { signal: gone }).catch(() => undefined);
    }
    if (gone.aborted || answer.kind === 'hang') return;
    this.sendReply(res, answer, admission.request, ids, headers);
  }

  /** arrive counts a request in flight until its response closes, and numbers it. */
  private arrive(res: ServerResponse): { ids: Ids; gone: AbortSignal } {
    this.calls++;
    this.open.set(res, res.socket);
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    // Aborted when the client leaves or the fake closes, so a delayed answer is never written.
    const gone = new AbortController();
    this.pending.add(gone);
    res.once('close', () => {
      this.open.delete(res);
      this.pending.delete(gone);
      gone.abort();
    });
    return { ids: idsFor(this.calls), gone: gone.signal };
  }

  /** nextPolicyName is the policy that answers this request, counting down failTimes. */
  private nextPolicyName(): PolicyName {
    if (this.owed <= 0) return 'follow';
    this.owed--;
    return this.policy.name;
  }

  private sendReply(
    res: ServerResponse,
    answer: Exclude<Reply, { kind: 'hang' }>,
    request: MessagesRequest,
    ids: Ids,
    headers: Readonly<Record<string, string>>,
  ): void {
    switch (answer.kind) {
      case 'error': {
        const retry =
          answer.retryAfterMs === undefined
            ? {}
            : { 'retry-after-ms': String(answer.retryAfterMs) };
        sendError(res, answer.status, answer.errorType, answer.message, { ...headers, ...retry });
        return;
      }
      case 'not-json':
        send(res, 200, answer.body, headers);
        return;
      case 'message': {
        const content = contentOf(answer, ids);
        const message = {
          id: ids.message,
          type: 'message',
          role: 'assistant',
          model: request.model,
          content,
          stop_reason: answer.stopReason,
          stop_sequence: null,
          usage: this.usage(request, content),
        };
        send(res, 200, JSON.stringify(message), headers);
      }
    }
  }

  /**
   * usage counts a quarter token per character of what the model read and wrote. A request that
   * marks cache_control on a tool or a system block writes everything up to the last such block
   * to the cache the first time the fake sees it, and reads it from the cache every later time.
   */
  private usage(request: MessagesRequest, content: readonly ContentBlock[]): Usage {
    const { segments, cachedCount } = promptSegments(request);
    const inputTokens = tokens(segments.join(''));
    const prefix = segments.slice(0, cachedCount);
    const prefixTokens = cachedCount === 0 ? 0 : tokens(prefix.join(''));
    const key = createHash('sha256')
      .update(JSON.stringify([request.model, prefix]))
      .digest('hex');
    const seen = this.cachedPrefixes.has(key);
    if (cachedCount > 0) this.cachedPrefixes.add(key);
    return {
      input_tokens: inputTokens - prefixTokens,
      output_tokens: tokens(JSON.stringify(content)),
      cache_creation_input_tokens: seen ? 0 : prefixTokens,
      cache_read_input_tokens: seen ? prefixTokens : 0,
    };
  }
}

interface Ids {
  readonly message: string;
  readonly toolUse: string;
  readonly request: string;
}

// Ids follow the request's sequence number, so a test can predict them.
function idsFor(sequence: number): Ids {
  const suffix = String(sequence).padStart(6, '0');
  return {
    message: `msg_fake${suffix}`,
    toolUse: `toolu_fake${suffix}`,
    request: `req_fake${suffix}`,
  };
}

function contentOf(answer: Extract<Reply, { kind: 'message' }>, ids: Ids): ContentBlock[] {
  const text = answer.text.map((block): ContentBlock => ({ type: 'text', text: block }));
  if (answer.toolInput === undefined) return text;
  return [
    ...text,
    { type: 'tool_use', id: ids.toolUse, name: DECIDE_TOOL, input: answer.toolInput },
  ];
}

function tokens(text: string): number {
  return Math.ceil(text.length / CHARACTERS_PER_TOKEN);
}

/**
 * promptSegments serialises what the model reads in the order the cache sees it, tools, then
 * system, then messages, and says how many segments the last cache breakpoint covers. The
 * breakpoints themselves are left out, so marking one does not change the count.
 */
function promptSegments(request: MessagesRequest): { segments: string[]; cachedCount: number } {
  const system = typeof request.system === 'string' ? [request.system] : (request.system ?? []);
  const blocks: unknown[] = [...(request.tools ?? []), ...system];
  const marked = blocks.map(
    (block) =>
      isObject(block) && block['cache_control'] !== undefined && block['cache_control'] !== null,
  );
  const segments = [...blocks, request.messages].map((value) =>
    JSON.stringify(value, (key, inner: unknown) => (key === 'cache_control' ? undefined : inner)),
  );
  return { segments, cachedCount: marked.lastIndexOf(true) + 1 };
}

function isObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null;
}

type ErrorReply = Extract<Reply, { kind: 'error' }>;

/** RequestReading is a checked request and its facts, or why the request is unusable. */
type RequestReading =
  | { readonly ok: true; readonly request: MessagesRequest; readonly facts: FactsReading }
  | { readonly ok: false; readonly problem: string };

/** Admission is a request the policy may answer, or the error the fake answers instead. */
type Admission = Extract<RequestReading, { ok: true }> | ({ readonly ok: false } & ErrorReply);

/** admit routes, authenticates and checks a request the way the real API does, in that order. */
function admit(
  method: string,
  path: string,
  headers: IncomingHttpHeaders,
  reading: RequestReading,
): Admission {
  if (method !== 'POST' || path !== '/v1/messages') {
    const message = `cannot serve ${method} "${path}": the fake serves POST /v1/messages only`;
    return refused(404, 'not_found_error', message);
  }
  if (!authenticated(headers)) {
    const message = 'cannot authenticate: send "Authorization: Bearer <key>" or "x-api-key: <key>"';
    return refused(401, 'authentication_error', message);
  }
  return reading.ok ? reading : refused(400, 'invalid_request_error', reading.problem);
}

function refused(status: number, errorType: ErrorType, message: string): Admission {
  return { ok: false, kind: 'error', status, errorType, message };
}

/** readRequest checks a parsed body as a Messages request and reads its facts. */
function readRequest(body: unknown): RequestReading {
  if (body === undefined) return { ok: false, problem: 'cannot parse request body: not JSON' };
  const parsed = requestSchema.safeParse(body, { error: issueText });
  if (!parsed.success) {
    return { ok: false, problem: `cannot read request: ${formatIssues(parsed.error.issues)}` };
  }
  if (parsed.data.stream === true) {
    return { ok: false, problem: 'cannot stream: the fake answers with whole messages only' };
  }
  return { ok: true, request: parsed.data, facts: factsOf(parsed.data) };
}

const textBlock = z.looseObject({ type: z.literal('text'), text: z.string() });

// Only what the fake reads is checked; the rest passes as sent, as the real API's would.
const requestSchema = z.looseObject({
  model: z.string().min(1),
  max_tokens: z.int().min(1),
  system: z.union([z.string(), z.array(textBlock)]).optional(),
  tools: z.array(z.looseObject({ name: z.string() })).optional(),
  stream: z.boolean().optional(),
  messages: z
    .array(
      z.looseObject({
        role: z.enum(['user', 'assistant']),
        content: z.union([z.string(), z.array(z.looseObject({ type: z.string() }))]),
      }),
    )
    .min(1),
});

type MessagesRequest = z.output<typeof requestSchema>;

/** factsOf reads the facts in the text of the last user message. */
function factsOf(request: MessagesRequest): FactsReading {
  const lastUser = request.messages.findLast((message) => message.role === 'user');
  return readFacts(lastUser === undefined ? '' : textOf(lastUser.content));
}

function textOf(content: MessagesRequest['messages'][number]['content']): string {
  if (typeof content === 'string') return content;
  return content
    .flatMap((block) => (typeof block['text'] === 'string' ? [block['text']] : []))
    .join('\n');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  }
  return Buffer.concat(chunks).toString('utf8');
}

function flatten(headers: IncomingHttpHeaders): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).flatMap(([name, value]) =>
      value === undefined ? [] : [[name, Array.isArray(value) ? value.join(', ') : value]],
    ),
  );
}

function authenticated(headers: IncomingHttpHeaders): boolean {
  const bearer = /^Bearer\s+\S+/i.test(headers.authorization ?? '');
  const apiKey = headers['x-api-key'];
  return bearer || (typeof apiKey === 'string' && apiKey.trim() !== '');
}

function sendError(
  res: ServerResponse,
  status: number,
  errorType: ErrorType,
  message: string,
  headers: Readonly<Record<string, string>>,
): void {
  const body = {
    type: 'error',
    error: { type: errorType, message },
    request_id: headers['request-id'] ?? null,
  };
  send(res, status, JSON.stringify(body), headers);
}

function send(
  res: ServerResponse,
  status: number,
  body: string,
  headers: Readonly<Record<string, string>>,
): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { ...headers, 'content-type': 'application/json' });
  res.end(body);
}
