/**
 * The policies: how the fake model answers. Each is a pure function from what the fake read off
 * a request (the facts, or why there are none) to a reply; the server adds ids, usage, delays and
 * the count of answers a policy still owes.
 */
import type { Facts } from '../../src/advisor/facts.js';
import { knownInstanceClasses } from '../../src/scaling/instance-classes.js';

/** POLICY_NAMES lists every policy, in the order the README and --help show them. */
export const POLICY_NAMES = [
  'follow',
  'veto',
  'scale-up',
  'scale-down',
  'jump',
  'off-ladder',
  'garbage',
  'malformed-json',
  'prose',
  'max-tokens',
  'refusal',
  'status:429',
  'status:529',
  'status:500',
  'hang',
] as const;

/** PolicyName names one way the fake model answers. */
export type PolicyName = (typeof POLICY_NAMES)[number];

/** Policy is how the fake answers, for how long, and how slowly. */
export interface Policy {
  readonly name: PolicyName;
  /** How long to wait before answering, in milliseconds; default 0. */
  readonly delayMs?: number;
  /** How many requests the policy answers before the fake plays `follow`; default all of them. */
  readonly failTimes?: number;
}

/** DECIDE_TOOL is the tool the function forces the model to call. */
export const DECIDE_TOOL = 'decide';

/** OFF_LADDER_CLASS is where `off-ladder` sends every database: a real class on no demo ladder. */
export const OFF_LADDER_CLASS = 'db.r6g.16xlarge';

/** RETRY_AFTER_MS is how long the status policies ask the client to wait, so retries are quick. */
export const RETRY_AFTER_MS = 5;

/** FactsReading is the facts of a request, or why the fake could not read them. */
export type FactsReading =
  { readonly ok: true; readonly facts: Facts } | { readonly ok: false; readonly problem: string };

/** ErrorType is the `error.type` of a Messages API error body. */
export type ErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'api_error'
  | 'overloaded_error';

/** ToolInput is what the fake model passes to the tool; the server gives the block its id. */
type ToolInput = Readonly<Record<string, unknown>>;

/** Reply is what the fake sends back, before the server adds ids and usage. */
export type Reply =
  | {
      readonly kind: 'message';
      readonly stopReason: 'tool_use' | 'end_turn' | 'max_tokens' | 'refusal';
      /** The text blocks; a tool call, when there is one, comes after them. */
      readonly text: readonly string[];
      readonly toolInput?: ToolInput;
    }
  | {
      readonly kind: 'error';
      readonly status: number;
      readonly errorType: ErrorType;
      readonly message: string;
      /** Sent as `retry-after-ms`; absent for errors a retry cannot fix. */
      readonly retryAfterMs?: number;
    }
  | { readonly kind: 'not-json'; readonly body: string }
  | { readonly kind: 'hang' };

/** isPolicyName reports whether a string names a policy. */
export function isPolicyName(value: string): value is PolicyName {
  return (POLICY_NAMES as readonly string[]).includes(value);
}

/** reply answers one request the way the named policy does. */
export function reply(name: PolicyName, reading: FactsReading): Reply {
  return POLICIES[name](reading);
}

type Answer = (reading: FactsReading) => Reply;

const POLICIES: Readonly<Record<PolicyName, Answer>> = {
  follow: deciding((facts) => ({
    decision: facts.rules.decision,
    instanceClass: facts.rules.instanceClass,
    reasoning: `Agreeing with the rules: ${facts.rules.reasoning}`,
  })),
  veto: deciding((facts) => ({
    decision: 'NoChange',
    instanceClass: facts.class.name,
    reasoning: 'Holding the current class: the metrics do not justify a change yet.',
  })),
  'scale-up': deciding((facts) => ({
    decision: 'ScaleUp',
    instanceClass: (facts.larger ?? facts.class).name,
    reasoning: 'Scaling up one step: the database needs more headroom.',
  })),
  'scale-down': deciding((facts) => ({
    decision: 'ScaleDown',
    instanceClass: (facts.smaller ?? facts.class).name,
    reasoning: 'Scaling down one step: the database has been quiet.',
  })),
  jump: deciding((facts) => ({
    decision: 'ScaleUp',
    instanceClass: twoStepsUp(facts),
    reasoning: 'Scaling up two steps: one step will not be enough.',
  })),
  'off-ladder': deciding(() => ({
    decision: 'ScaleUp',
    instanceClass: OFF_LADDER_CLASS,
    reasoning: 'Scaling up to the largest memory-optimised class to be safe.',
  })),
  garbage: () => toolCall({ decision: 'Maybe', size: 3 }),
  'malformed-json': () => ({ kind: 'not-json', body: '{"id": "msg_fake", "content": [' }),
  prose: () => ({
    kind: 'message',
    stopReason: 'end_turn',
    text: ['I think you should scale up.'],
  }),
  'max-tokens': () => ({
    kind: 'message',
    stopReason: 'max_tokens',
    text: ['Looking at the metrics, the CPU has been above the threshold for'],
  }),
  refusal: () => ({ kind: 'message', stopReason: 'refusal', text: [] }),
  'status:429': failing(429, 'rate_limit_error', 'the fake is rate limiting (policy status:429)'),
  'status:529': failing(529, 'overloaded_error', 'the fake is overloaded (policy status:529)'),
  'status:500': failing(500, 'api_error', 'the fake failed internally (policy status:500)'),
  hang: () => ({ kind: 'hang' }),
};

// A type, not an interface, so it is a ToolInput as it stands.
/** Decision is the input of the decide tool. */
type Decision = {
  readonly decision: string;
  readonly instanceClass: string;
  readonly reasoning: string;
};

/** deciding makes a policy that reads the facts and calls the tool with a decision. */
function deciding(decide: (facts: Facts) => Decision): Answer {
  return (reading) => {
    if (!reading.ok) {
      return {
        kind: 'error',
        status: 400,
        errorType: 'invalid_request_error',
        message: reading.problem,
      };
    }
    return toolCall(decide(reading.facts));
  };
}

function toolCall(input: ToolInput): Reply {
  return { kind: 'message', stopReason: 'tool_use', text: [], toolInput: input };
}

function failing(status: number, errorType: ErrorType, message: string): Answer {
  return () => ({ kind: 'error', status, errorType, message, retryAfterMs: RETRY_AFTER_MS });
}

/**
 * twoStepsUp is the class two sizes above the current one in its family, or the family's largest:
 * the facts name only the neighbours, so the fake climbs the family as a model that knows RDS
 * would.
 */
function twoStepsUp(facts: Facts): string {
  const current = facts.class.name;
  const family = current.slice(0, current.lastIndexOf('.') + 1);
  const sizes = knownInstanceClasses()
    .map((cls) => cls.name)
    .filter((name) => name.startsWith(family));
  const position = sizes.indexOf(current);
  const top = sizes.at(-1) ?? current;
  return position < 0 ? top : (sizes[position + 2] ?? top);
}
