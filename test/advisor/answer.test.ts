/** Reading the model's answer: only a decide tool call matching the schema is advice. */
import type { Message } from '@anthropic-ai/sdk/resources/messages/messages';
import { describe, expect, test } from 'vitest';

import { readAnswer } from '../../src/advisor/answer.js';
import type { AnswerReading } from '../../src/advisor/answer.js';

function message(content: Message['content'], stopReason: Message['stop_reason']): Message {
  return {
    id: 'msg_1',
    type: 'message',
    role: 'assistant',
    model: 'claude-haiku-4-5',
    content,
    stop_reason: stopReason,
    stop_sequence: null,
    stop_details: null,
    container: null,
    usage: {
      input_tokens: 10,
      output_tokens: 5,
      cache_creation_input_tokens: null,
      cache_read_input_tokens: null,
      cache_creation: null,
      server_tool_use: null,
      service_tier: null,
      inference_geo: null,
    },
  } as Message;
}

const tool = (input: unknown): Message['content'] =>
  [
    { type: 'tool_use', id: 'toolu_1', name: 'decide', input, caller: { type: 'direct' } },
  ] as Message['content'];

describe('readAnswer', () => {
  test.each<{ name: string; reason: string; given: Message; want: AnswerReading }>([
    {
      name: 'a valid decision',
      reason: 'the tool input is the advice',
      given: message(
        tool({ decision: 'ScaleUp', instanceClass: 'db.t3.small', reasoning: 'CPU 96%.' }),
        'tool_use',
      ),
      want: {
        ok: true,
        advice: { decision: 'ScaleUp', instanceClass: 'db.t3.small', reasoning: 'CPU 96%.' },
      },
    },
    {
      name: 'an unknown verdict',
      reason: 'the schema is enforced in code, whatever the model sends',
      given: message(
        tool({ decision: 'Maybe', instanceClass: 'db.t3.small', reasoning: 'x' }),
        'tool_use',
      ),
      want: {
        ok: false,
        cause: 'invalid-output',
        detail:
          'the answer is malformed: decision: expected one of "ScaleUp", "ScaleDown", "NoChange", got "Maybe"',
      },
    },
    {
      name: 'an extra field',
      reason: 'an answer with fields the schema does not have is not trusted',
      given: message(
        tool({ decision: 'NoChange', instanceClass: 'db.t3.micro', reasoning: 'x', size: 3 }),
        'tool_use',
      ),
      want: {
        ok: false,
        cause: 'invalid-output',
        detail: 'the answer is malformed: size: unknown field',
      },
    },
    {
      name: 'prose',
      reason: 'free text is never parsed for a decision',
      given: message(
        [{ type: 'text', text: 'Scale up to db.t3.large!', citations: null }] as Message['content'],
        'end_turn',
      ),
      want: { ok: false, cause: 'invalid-output', detail: 'the answer has no decide tool call' },
    },
    {
      name: 'truncated',
      reason: 'an answer cut off at max_tokens is unusable',
      given: message([], 'max_tokens'),
      want: { ok: false, cause: 'truncated', detail: 'the answer was cut off at max_tokens' },
    },
    {
      name: 'a refusal',
      reason: 'a refusal is a fallback, not a veto',
      given: message([], 'refusal'),
      want: { ok: false, cause: 'refusal', detail: 'the model declined to answer' },
    },
  ])('$name: $reason', ({ given, want }) => {
    expect(readAnswer(given)).toEqual(want);
  });
});
