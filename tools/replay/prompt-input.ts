/**
 * The step input a replay runs with: the Prompt of examples/operation/cronoperation.yaml, with a
 * trace's own `spec` fields over it and a short model deadline, so a model that hangs costs
 * seconds, not a day of 20-second waits.
 */
import { PROMPT_API_VERSION, PROMPT_KIND } from '../../src/input/prompt.js';
import type { Input } from '../../src/input/prompt.js';
import { readInput } from '../../src/input/read-input.js';
import { ladderPosition } from '../../src/scaling/ladder.js';
import type { Trace } from './trace.js';

/** DEFAULT_ADVISOR_TIMEOUT is the replay's `spec.advisor.timeout`; the function's default is 20s. */
export const DEFAULT_ADVISOR_TIMEOUT = '2s';

/** MODEL_NAME is the model the replay's input names; it is what the prices default to. */
export const MODEL_NAME = 'claude-haiku-4-5';

/** XR_KIND and XR_API_VERSION are the composite the replay scales: the demo's XSQLInstance. */
export const XR_API_VERSION = 'aws.platform.upbound.io/v1alpha1';
export const XR_KIND = 'XSQLInstance';

/** promptInput is the raw `input:` block of the replay's CronOperation step. */
export function promptInput(trace: Trace, advisorTimeout: string): Record<string, unknown> {
  const advisor = trace.spec['advisor'];
  return {
    apiVersion: PROMPT_API_VERSION,
    kind: PROMPT_KIND,
    systemPrompt:
      'You are an intelligent RDS scaling system that analyzes XSQLInstance resources\n' +
      'and makes scaling decisions based on CloudWatch performance metrics.\n',
    userPrompt:
      'Recommend an instance class for this database from its metrics, and explain the\n' +
      'decision in one or two sentences.\n',
    modelName: MODEL_NAME,
    spec: {
      targets: [{ apiGroup: 'aws.platform.upbound.io', kind: XR_KIND }],
      ...trace.spec,
      advisor: {
        ...(typeof advisor === 'object' && advisor !== null ? advisor : {}),
        timeout: advisorTimeout,
      },
    },
  };
}

/** TraceInput is the validated input for a trace, or one line saying what is wrong with its spec. */
export type TraceInput =
  | { readonly ok: true; readonly raw: Record<string, unknown>; readonly input: Input }
  | { readonly ok: false; readonly message: string };

/**
 * traceInput validates the input a trace runs with, as the function itself will, and checks that
 * the trace starts on a class the policy may move.
 */
export function traceInput(trace: Trace, advisorTimeout: string): TraceInput {
  const raw = promptInput(trace, advisorTimeout);
  const reading = readInput(raw);
  if (!reading.ok)
    return { ok: false, message: reading.message.replace(/^cannot read input: /, '') };
  const { policy } = reading.input;
  const at = ladderPosition(policy, trace.startClass);
  const low = ladderPosition(policy, policy.minInstanceClass);
  const high = ladderPosition(policy, policy.maxInstanceClass);
  if (at < low || at > high) {
    const ladder = policy.ladder.slice(low, high + 1).join(', ');
    return {
      ok: false,
      message: `startClass: "${trace.startClass}" is not on the ladder the function may use (${ladder})`,
    };
  }
  return { ok: true, raw, input: reading.input };
}
