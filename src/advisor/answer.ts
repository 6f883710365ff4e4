/**
 * Reading the model's answer: only a call of the `decide` tool whose input matches the schema
 * counts. A refusal, a truncated answer, prose or a malformed object is unusable, and says why
 * without repeating what the model wrote.
 */
import type { Message } from '@anthropic-ai/sdk/resources/messages/messages';
import { z } from 'zod';

import { formatIssues, safeParseWorded } from '../input/format-issues.js';
import type { Advice, FallbackCause } from '../scaling/advisor.js';
import { VERDICTS } from '../scaling/state.js';
import { TOOL_NAME } from './prompt.js';

const adviceSchema = z.strictObject({
  decision: z.enum(VERDICTS),
  instanceClass: z.string().min(1).max(64),
  reasoning: z.string().min(1).max(4000),
});

/** AnswerReading is the advice, or why the answer is unusable. */
export type AnswerReading =
  | { readonly ok: true; readonly advice: Advice }
  | { readonly ok: false; readonly cause: FallbackCause; readonly detail: string };

/** readAnswer extracts the advice from the model's message. */
export function readAnswer(message: Message): AnswerReading {
  if (message.stop_reason === 'refusal') {
    return { ok: false, cause: 'refusal', detail: 'the model declined to answer' };
  }
  if (message.stop_reason === 'max_tokens') {
    return { ok: false, cause: 'truncated', detail: 'the answer was cut off at max_tokens' };
  }
  const call = message.content.find(
    (block) => block.type === 'tool_use' && block.name === TOOL_NAME,
  );
  if (call === undefined || call.type !== 'tool_use') {
    return {
      ok: false,
      cause: 'invalid-output',
      detail: `the answer has no ${TOOL_NAME} tool call`,
    };
  }
  const parsed = safeParseWorded(adviceSchema, call.input);
  if (!parsed.success) {
    return {
      ok: false,
      cause: 'invalid-output',
      detail: `the answer is malformed: ${formatIssues(parsed.error.issues)}`,
    };
  }
  return { ok: true, advice: parsed.data };
}
