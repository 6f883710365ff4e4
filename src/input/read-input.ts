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

/** INPUT_CACHE_MAX_KEY_LENGTH is the longest input, as JSON text, whose reading is remembered. */
export const INPUT_CACHE_MAX_KEY_LENGTH = 64 * 1024;

// A pipeline step sends the same input on every call, so its reading is remembered by its JSON
// text, the least recently used forgotten first. Readings are frozen: every caller shares them.
const readings = new Map<string, InputReading>();

/**
 * readInput validates a step's input and fills its defaults. Undefined or an empty object means
 * every default. On failure the message is `cannot read input: <path>: <problem>; ...`, worded
 * for a FATAL result. The reading is frozen, and the same object for the same input.
 */
export function readInput(raw: Record<string, unknown> | undefined): InputReading {
  const given = raw === undefined || Object.keys(raw).length === 0 ? noInput : raw;
  const key = JSON.stringify(given);
  const remembered = readings.get(key);
  if (remembered !== undefined) {
    readings.delete(key);
    readings.set(key, remembered);
    return remembered;
  }
  const reading = deepFreeze(parse(given));
  if (key.length <= INPUT_CACHE_MAX_KEY_LENGTH) {
    readings.set(key, reading);
    const oldest = readings.keys().next();
    if (readings.size > INPUT_CACHE_ENTRIES && oldest.done !== true) readings.delete(oldest.value);
  }
  return reading;
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
