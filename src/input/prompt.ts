/**
 * The step's input, kind Prompt: the one place that says which fields exist, what they default
 * to and what makes them invalid. The input CRD in package/input/ mirrors this schema, and a
 * test fails when the two disagree.
 */
import { z } from 'zod';

import { instanceClass } from '../scaling/instance-classes.js';
import type { Policy, Thresholds } from '../scaling/policy.js';
import { DURATION_PATTERN, isNegativeDuration, parseDurationSeconds } from './duration.js';
import { show } from './format-issues.js';

/** PROMPT_API_VERSION is the apiVersion of this function's own input CRD. */
export const PROMPT_API_VERSION = 'intelligentscaling.fn.crossplane.io/v1alpha1';

/** DEMO_API_VERSION is the apiVersion of the public demo's function-claude input. */
export const DEMO_API_VERSION = 'claude.fn.upbound.io/v1alpha1';

/** PROMPT_KIND is the kind of the input, in both API groups. */
export const PROMPT_KIND = 'Prompt';

/** DEFAULT_MODEL advises when the input names no model: small and fast, for a narrow question. */
export const DEFAULT_MODEL = 'claude-haiku-4-5';

/** MAX_ADVISOR_TIMEOUT_SECONDS keeps a model reply inside Crossplane's one-minute budget. */
export const MAX_ADVISOR_TIMEOUT_SECONDS = 50;

/** Input is the validated, defaulted input of one step. */
export interface Input {
  /** What the model that advises each decision is told, and which model it is. */
  readonly prompt: {
    /** The system prompt; unset means the advisor's own. */
    readonly systemPrompt?: string;
    /** The user prompt; unset means the advisor's own. */
    readonly userPrompt?: string;
    /** The Claude model name. */
    readonly modelName: string;
  };
  /** The policy every decision is held to. */
  readonly policy: Policy;
  /** How the model is asked. */
  readonly advisor: {
    /** One deadline for asking the model during one analysis, retries included, in seconds. */
    readonly timeoutSeconds: number;
  };
}

function percent(defaultValue: number, description: string) {
  return z.number().min(0).max(100).default(defaultValue).describe(description);
}

interface DurationLimits {
  /** Zero is an error. */
  readonly positive?: boolean;
  /** The longest accepted duration, in seconds. */
  readonly maxSeconds?: number;
}

/** duration reads a Go duration string into seconds, so the rest of the function sees numbers. */
function duration(defaultValue: string, description: string, limits: DurationLimits = {}) {
  return z
    .string()
    .regex(DURATION_PATTERN, { error: (issue) => durationFormatProblem(issue.input) })
    .transform((text, ctx) => {
      const problem = durationLimitProblem(text, limits);
      if (problem !== undefined) ctx.issues.push({ code: 'custom', message: problem, input: text });
      return parseDurationSeconds(text) ?? 0;
    })
    .prefault(defaultValue)
    .describe(description);
}

function durationFormatProblem(input: unknown): string {
  if (typeof input === 'string' && isNegativeDuration(input)) return `${show(input)} is negative`;
  return `${show(input)} is not a duration such as "30s", "5m" or "1h30m"`;
}

function durationLimitProblem(text: string, limits: DurationLimits): string | undefined {
  const seconds = parseDurationSeconds(text);
  if (seconds === undefined) return `${show(text)} is longer than a duration can be`;
  if (limits.positive === true && seconds === 0) return `${show(text)} must be longer than zero`;
  if (limits.maxSeconds !== undefined && seconds > limits.maxSeconds) {
    return `${show(text)} is longer than the maximum "${limits.maxSeconds}s"`;
  }
  return undefined;
}

const ScaleUpSchema = z
  .strictObject({
    cpuPercent: percent(85, 'Scale up when CPUUtilization is above this, in percent. Default 85.'),
    freeMemoryPercent: percent(
      15,
      "Scale up when FreeableMemory is below this percentage of the instance class's memory. Default 15.",
    ),
    connectionsPercent: percent(
      85,
      "Scale up when DatabaseConnections is above this percentage of the engine's default max_connections. Default 85.",
    ),
  })
  .prefault({})
  .describe('Scale up one ladder step when any one of these limits is crossed.');

const ScaleDownSchema = z
  .strictObject({
    cpuPercent: percent(
      20,
      'Scale down only when CPUUtilization is below this, in percent; must be below scaleUp.cpuPercent. Default 20.',
    ),
    freeMemoryPercent: percent(
      60,
      "Scale down only when FreeableMemory is above this percentage of the instance class's memory; must be above scaleUp.freeMemoryPercent. Default 60.",
    ),
    connectionsPercent: percent(
      30,
      "Scale down only when DatabaseConnections is below this percentage of the engine's default max_connections; must be below scaleUp.connectionsPercent. Default 30.",
    ),
  })
  .prefault({})
  .describe('Scale down one ladder step only when all of these hold for scaleDownWindow.');

const LadderSchema = z
  .array(
    z
      .string()
      .refine((name) => instanceClass(name) !== undefined, {
        error: (issue) => `unknown instance class ${show(issue.input)}`,
      })
      .describe('An RDS DB instance class, for example db.t3.small.'),
  )
  .min(1)
  .superRefine((ladder, ctx) => {
    for (const name of repeated(ladder)) {
      ctx.addIssue({ code: 'custom', message: `must not repeat ${show(name)}`, input: ladder });
    }
  })
  .default(['db.t3.micro', 'db.t3.small', 'db.t3.medium', 'db.t3.large'])
  .describe(
    'Instance classes from smallest to largest; a resize moves one step along it. Known RDS classes only, each once. Default db.t3.micro, db.t3.small, db.t3.medium, db.t3.large.',
  );

const TargetSchema = z
  .strictObject({
    apiGroup: z.string().min(1).describe('API group, for example aws.platform.upbound.io.'),
    kind: z.string().min(1).describe('Kind, for example XSQLInstance.'),
  })
  .describe('A kind of composite resource; any API version matches.');

const TargetsSchema = z
  .array(TargetSchema)
  .min(1)
  .default([
    { apiGroup: 'aws.platform.upbound.io', kind: 'XSQLInstance' },
    { apiGroup: 'aws.platform.upbound.io', kind: 'SQLInstance' },
  ])
  .describe(
    'Kinds of composite resource an Operation resizes. Default XSQLInstance and SQLInstance in aws.platform.upbound.io.',
  );

const AdvisorSchema = z
  .strictObject({
    timeout: duration(
      '20s',
      `One deadline for asking the model during one analysis, retries included, as a duration such as 20s; more than zero and at most ${MAX_ADVISOR_TIMEOUT_SECONDS}s so a reply always beats Crossplane's one-minute budget. Default 20s.`,
      { positive: true, maxSeconds: MAX_ADVISOR_TIMEOUT_SECONDS },
    ),
  })
  .prefault({})
  .describe('How the function asks the model that advises each decision.');

const SpecSchema = z
  .strictObject({
    scaleUp: ScaleUpSchema,
    scaleDown: ScaleDownSchema,
    ladder: LadderSchema,
    minInstanceClass: z
      .string()
      .optional()
      .describe(
        'The smallest class the function may choose; on the ladder. Default the first ladder entry.',
      ),
    maxInstanceClass: z
      .string()
      .optional()
      .describe(
        'The largest class the function may choose; on the ladder. Default the last ladder entry.',
      ),
    analysisInterval: duration(
      '5m',
      'Minimum time between two analyses of one database, as a duration such as 5m or 1h30m; more than zero. Default 5m.',
      { positive: true },
    ),
    cooldown: duration(
      '15m',
      'Minimum time between two resizes of one database, as a duration such as 15m. Default 15m.',
    ),
    scaleDownWindow: duration(
      '15m',
      'How long the scale-down conditions must hold before a scale-down, as a duration such as 15m. Default 15m.',
    ),
    maxMetricsAge: duration(
      '15m',
      'Metrics older than this are stale and never acted on, as a duration such as 15m; more than zero. Default 15m.',
      { positive: true },
    ),
    targets: TargetsSchema,
    recommendOnly: z
      .boolean()
      .default(false)
      .describe('Write the decision but never change the instance class. Default false.'),
    advisor: AdvisorSchema,
  })
  .superRefine((spec, ctx) => {
    for (const problem of thresholdProblems(spec.scaleUp, spec.scaleDown)) ctx.addIssue(problem);
    for (const problem of boundProblems(spec)) ctx.addIssue(problem);
  })
  .prefault({})
  .describe(
    'The scaling policy every decision is held to, whatever the model advises. Every field is optional.',
  );

type Spec = z.output<typeof SpecSchema>;

// A type alias, not an interface, so it fits the index signature of zod's addIssue argument.
type Problem = { code: 'custom'; path: PropertyKey[]; message: string };

// Each scale-down limit must sit on the quiet side of its scale-up limit, or a database could
// qualify for both at once and flap between two classes.
const quietSide: ReadonlyArray<readonly [keyof Thresholds, 'below' | 'above']> = [
  ['cpuPercent', 'below'],
  ['freeMemoryPercent', 'above'],
  ['connectionsPercent', 'below'],
];

function thresholdProblems(up: Thresholds, down: Thresholds): Problem[] {
  return quietSide.flatMap(([field, side]) => {
    const ok = side === 'below' ? down[field] < up[field] : down[field] > up[field];
    if (ok) return [];
    const message = `${down[field]} must be ${side} spec.scaleUp.${field} ${up[field]}`;
    return [{ code: 'custom' as const, path: ['scaleDown', field], message }];
  });
}

function boundProblems(spec: Spec): Problem[] {
  const { ladder, minInstanceClass: min, maxInstanceClass: max } = spec;
  const problems: Problem[] = [];
  for (const [field, name] of [
    ['minInstanceClass', min],
    ['maxInstanceClass', max],
  ] as const) {
    if (name !== undefined && !ladder.includes(name)) {
      problems.push({
        code: 'custom',
        path: [field],
        message: `${show(name)} is not on spec.ladder`,
      });
    }
  }
  // Only bounds that are both on the ladder can be in the wrong order.
  if (problems.length > 0) return problems;
  if (min !== undefined && max !== undefined && ladder.indexOf(min) > ladder.indexOf(max)) {
    const message = `${show(min)} is above spec.maxInstanceClass ${show(max)}`;
    problems.push({ code: 'custom', path: ['minInstanceClass'], message });
  }
  return problems;
}

function repeated(names: readonly string[]): string[] {
  return [...new Set(names.filter((name, index) => names.indexOf(name) !== index))];
}

/**
 * PromptSchema parses a step's input into an Input: it checks every field, fills every default
 * and turns durations into seconds.
 */
export const PromptSchema = z
  .strictObject({
    apiVersion: z
      .enum([DEMO_API_VERSION, PROMPT_API_VERSION])
      .describe(
        `APIVersion of this input: ${PROMPT_API_VERSION}, or ${DEMO_API_VERSION} so the public demo's input works unchanged.`,
      ),
    kind: z.literal(PROMPT_KIND).describe('Kind of this input: Prompt.'),
    metadata: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('Standard object metadata; the function ignores it.'),
    systemPrompt: z
      .string()
      .optional()
      .describe(
        "System prompt for the model that advises each scaling decision. Optional; unset means the advisor's own.",
      ),
    userPrompt: z
      .string()
      .optional()
      .describe(
        "User prompt for the model about each analysed resource. Optional; unset means the advisor's own.",
      ),
    modelName: z
      .string()
      .default(DEFAULT_MODEL)
      .describe(
        `The Claude model that advises scaling decisions. Default ${DEFAULT_MODEL}, also when empty.`,
      ),
    spec: SpecSchema,
  })
  .describe(
    'Prompt configures one function-intelligent-scaling step: the scaling policy it enforces and how it asks the model that advises it.',
  )
  .transform(toInput);

function toInput(prompt: {
  systemPrompt?: string | undefined;
  userPrompt?: string | undefined;
  modelName: string;
  spec: Spec;
}): Input {
  const { systemPrompt, userPrompt, modelName, spec } = prompt;
  return {
    prompt: {
      ...(systemPrompt === undefined ? {} : { systemPrompt }),
      ...(userPrompt === undefined ? {} : { userPrompt }),
      // The demo's Go input omits an empty modelName, which means its default model.
      modelName: modelName === '' ? DEFAULT_MODEL : modelName,
    },
    policy: toPolicy(spec),
    advisor: { timeoutSeconds: spec.advisor.timeout },
  };
}

function toPolicy(spec: Spec): Policy {
  return {
    scaleUp: { ...spec.scaleUp },
    scaleDown: { ...spec.scaleDown },
    ladder: [...spec.ladder],
    minInstanceClass: spec.minInstanceClass ?? spec.ladder[0] ?? '',
    maxInstanceClass: spec.maxInstanceClass ?? spec.ladder.at(-1) ?? '',
    analysisIntervalSeconds: spec.analysisInterval,
    cooldownSeconds: spec.cooldown,
    scaleDownWindowSeconds: spec.scaleDownWindow,
    maxMetricsAgeSeconds: spec.maxMetricsAge,
    targets: spec.targets.map(({ apiGroup, kind }) => ({ apiGroup, kind })),
    recommendOnly: spec.recommendOnly,
  };
}
