/** readInput: the step's raw `input:` block in, a valid Input or a one-line problem out. */
import { formatIssues, issueText } from './format-issues.js';
import { PROMPT_API_VERSION, PROMPT_KIND, PromptSchema } from './prompt.js';
import type { Input } from './prompt.js';

export type { Input } from './prompt.js';

/** InputReading is the outcome of readInput: the input, or why there is none. */
export type InputReading = { ok: true; input: Input } | { ok: false; message: string };

// A step without input gets every default; apiVersion and kind are only required when the
// user wrote an input at all.
const noInput = { apiVersion: PROMPT_API_VERSION, kind: PROMPT_KIND };

/**
 * readInput validates a step's input and fills its defaults. Undefined or an empty object means
 * every default. On failure the message is `cannot read input: <path>: <problem>; ...`, worded
 * for a FATAL result.
 */
export function readInput(raw: Record<string, unknown> | undefined): InputReading {
  const given = raw === undefined || Object.keys(raw).length === 0 ? noInput : raw;
  const result = PromptSchema.safeParse(given, { error: issueText });
  if (result.success) return { ok: true, input: result.data };
  return { ok: false, message: `cannot read input: ${formatIssues(result.error.issues)}` };
}
