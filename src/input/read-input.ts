/** readInput: the step's raw `input:` block in, a valid Input or a one-line problem out. */
import { formatIssues, safeParseWorded } from './format-issues.js';
import { PROMPT_API_VERSION, PROMPT_KIND, PromptSchema } from './prompt.js';
import type { Input } from './prompt.js';

export type { Input } from './prompt.js';

/** InputReading is the outcome of readInput: the input, or why there is none. */
export type InputReading = { ok: true; input: Input } | { ok: false; message: string };

// A step without input gets every default; apiVersion and kind are only required when the
// user wrote an input at all.
const noInput = { apiVersion: PROMPT_API_VERSION, kind: PROMPT_KIND };

/** INPUT_CACHE_ENTRIES is how many distinct inputs a process remembers the reading of. */
export const INPUT_CACHE_ENTRIES = 32;

/** INPUT_CACHE_MAX_JSON_LENGTH is the longest input, as JSON text, whose reading is remembered. */
export const INPUT_CACHE_MAX_JSON_LENGTH = 64 * 1024;

/** Remembered is an input as it was given, frozen, and its reading. */
interface Remembered {
  readonly given: unknown;
  readonly reading: InputReading;
}

// A pipeline step sends the same input on every call, so its reading is remembered, the most
// recently used first. An input is found by comparing it with those remembered, which costs a
// fraction of writing it out as text. Readings are frozen: every caller shares them.
const remembered: Remembered[] = [];

/**
 * readInput validates a step's input and fills its defaults. Undefined or an empty object means
 * every default. On failure the message is `cannot read input: <path>: <problem>; ...`, worded
 * for a FATAL result. The reading is frozen, and the same object for the same input.
 */
export function readInput(raw: Record<string, unknown> | undefined): InputReading {
  const given = raw === undefined || Object.keys(raw).length === 0 ? noInput : raw;
  const index = remembered.findIndex((entry) => sameJson(entry.given, given));
  const found = remembered[index];
  if (found !== undefined) {
    if (index > 0) remembered.unshift(...remembered.splice(index, 1));
    return found.reading;
  }
  const reading = deepFreeze(parse(given));
  if (JSON.stringify(given).length <= INPUT_CACHE_MAX_JSON_LENGTH) {
    remembered.unshift({ given: deepFreeze(structuredClone(given)), reading });
    remembered.length = Math.min(remembered.length, INPUT_CACHE_ENTRIES);
  }
  return reading;
}

/** sameJson tells whether two JSON values are equal, whatever the order of their keys. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => sameJson(item, b[i]));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left);
  if (keys.length !== Object.keys(right).length) return false;
  return keys.every((key) => Object.hasOwn(right, key) && sameJson(left[key], right[key]));
}

function parse(given: unknown): InputReading {
  const result = safeParseWorded(PromptSchema, given);
  if (result.success) return { ok: true, input: result.data };
  return { ok: false, message: `cannot read input: ${formatIssues(result.error.issues)}` };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
