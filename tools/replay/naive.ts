/**
 * The public demo's policy, simulated: a model call on every run with the whole resource as
 * text, and no guardrails in code. Its decisions are the demo prompt's rules applied by a
 * literal-minded model each minute; its tokens are counted the way the fake Messages API counts
 * them, a token per four characters. See tools/replay/README.md for what this leaves out.
 */
import { stringify } from 'yaml';

import { readPerformanceMetrics } from '../../src/resource/performance-metrics.js';
import type { TokenUsage } from '../../src/scaling/advisor.js';
import { instanceClass } from '../../src/scaling/instance-classes.js';
import type { Engine } from '../../src/scaling/instance-classes.js';
import { nextClass } from '../../src/scaling/ladder.js';
import type { Policy } from '../../src/scaling/policy.js';
import { ANNOTATIONS } from '../../src/scaling/state.js';
import {
  describeFinding,
  describeUtilisation,
  scaleDownCheck,
  scaleUpFindings,
} from '../../src/scaling/thresholds.js';
import { utilisation } from '../../src/scaling/utilisation.js';
import type { Utilisation } from '../../src/scaling/utilisation.js';
import { formatRfc3339, parseRfc3339, secondsBetween } from '../../src/time.js';
import { CHARACTERS_PER_TOKEN } from '../fake-messages-api/server.js';
import type { Cluster, Json, Patch } from './cluster.js';
import type { DecisionRecord, Driver, RunOutcome } from './driver.js';

/**
 * DEMO_PROMPT measures the demo's prompts: the CronOperation of upbound/configuration-aws-database-ai
 * (operations/rds-intelligent-scaling-cron/operation.yaml, commit 08cd8e38), its systemPrompt
 * and its userPrompt without the `{{ .Resources }}` placeholder, in characters.
 */
export const DEMO_PROMPT = {
  source:
    'upbound/configuration-aws-database-ai@08cd8e38 operations/rds-intelligent-scaling-cron/operation.yaml',
  systemChars: 433,
  userChars: 2791,
} as const;

/** NAIVE_DECIDED_BY names the naive policy in decisions. */
export const NAIVE_DECIDED_BY = 'naive';

/** tokensOf counts text as the fake Messages API does: a token per four characters, rounded up. */
export function tokensOf(characters: number): number {
  return Math.ceil(characters / CHARACTERS_PER_TOKEN);
}

/** resourceYaml is the XSQLInstance as `kubectl get -o yaml` shows it, which the demo sends. */
export function resourceYaml(xr: Json): string {
  return stringify(xr);
}

/** NaiveChoice is what the literal-minded model decides, and the patch it writes. */
export interface NaiveChoice {
  readonly decision: DecisionRecord;
  readonly patch: Patch;
  /** The JSON it answers with, in the demo's format. */
  readonly answer: Json;
}

function annotationsOf(xr: Json): Record<string, unknown> {
  const metadata = xr['metadata'] as Json | undefined;
  return (metadata?.['annotations'] as Json | undefined) ?? {};
}

function classOf(xr: Json): string {
  const spec = xr['spec'] as Json | undefined;
  const parameters = spec?.['parameters'] as Json | undefined;
  const cls = parameters?.['instanceClass'];
  return typeof cls === 'string' ? cls : '';
}

function figuresOf(xr: Json, cls: string, engine: Engine): Utilisation | undefined {
  const status = xr['status'] as Json | undefined;
  const reading = readPerformanceMetrics(status?.['performanceMetrics']);
  const known = instanceClass(cls);
  if (!reading.ok || known === undefined) return undefined;
  const {
    CPUUtilization: cpu,
    FreeableMemory: free,
    DatabaseConnections: conns,
  } = reading.metrics.samples;
  return utilisation(
    {
      ...(cpu && { cpuPercent: cpu.value }),
      ...(free && { freeableMemoryBytes: free.value }),
      ...(conns && { connections: conns.value }),
    },
    known,
    engine,
  );
}

function lastScaledOf(xr: Json): Date | undefined {
  const value = annotationsOf(xr)[ANNOTATIONS.lastScaled];
  return typeof value === 'string' ? parseRfc3339(value) : undefined;
}

/** verdictOf applies the demo prompt's rules, with no memory beyond the resource. */
function verdictOf(
  xr: Json,
  now: Date,
  policy: Policy,
  engine: Engine,
): { verdict: DecisionRecord['verdict']; toClass: string; reasoning: string } {
  const current = classOf(xr);
  const stay = (reasoning: string) => ({ verdict: 'NoChange', toClass: current, reasoning });
  const lastScaled = lastScaledOf(xr);
  if (lastScaled !== undefined && secondsBetween(lastScaled, now) < policy.cooldownSeconds) {
    const minutes = policy.cooldownSeconds / 60;
    return stay(
      `No scaling: last scaled at ${formatRfc3339(lastScaled)}, within the ${minutes}-minute cooldown.`,
    );
  }
  const figures = figuresOf(xr, current, engine);
  if (figures === undefined) return stay('No scaling: the metrics cannot be read.');
  const triggers = scaleUpFindings(figures, policy.scaleUp).filter((f) => f.holds);
  const quiet = scaleDownCheck(figures, policy.scaleDown);
  const larger = nextClass(policy, current, 'up');
  const smaller = nextClass(policy, current, 'down');
  const why = triggers.map(describeFinding).join(', ');
  if (triggers.length > 0 && larger !== undefined) {
    return {
      verdict: 'ScaleUp',
      toClass: larger,
      reasoning: `Scaling up from ${current} to ${larger} due to ${why}.`,
    };
  }
  if (triggers.length === 0 && quiet.holds && smaller !== undefined) {
    const calm = quiet.findings.map(describeFinding).join(', ');
    return {
      verdict: 'ScaleDown',
      toClass: smaller,
      reasoning: `Scaling down from ${current} to ${smaller}: low utilization (${calm}).`,
    };
  }
  return stay(
    `No scaling needed. ${describeUtilisation(figures)} on ${current} call for no change.`,
  );
}

/**
 * naiveChoice is one run of the naive policy: up one step when any trigger holds, down one step
 * when every quiet condition holds at this minute (it sees no history, so no sustained window),
 * nothing while last-scaled is younger than the cooldown. It answers in the demo's format.
 */
export function naiveChoice(xr: Json, now: Date, policy: Policy, engine: Engine): NaiveChoice {
  const fromClass = classOf(xr);
  const { verdict, toClass, reasoning } = verdictOf(xr, now, policy, engine);
  const resize = toClass !== fromClass;
  const annotations = resize
    ? { [ANNOTATIONS.lastScaled]: formatRfc3339(now), [ANNOTATIONS.lastDecision]: reasoning }
    : { [ANNOTATIONS.lastAnalyzed]: formatRfc3339(now), [ANNOTATIONS.lastDecision]: reasoning };
  const metadata = xr['metadata'] as Json | undefined;
  const answer: Json = {
    apiVersion: xr['apiVersion'],
    kind: xr['kind'],
    metadata: { name: metadata?.['name'], namespace: metadata?.['namespace'], annotations },
    ...(resize && { spec: { parameters: { instanceClass: toClass } } }),
  };
  return {
    decision: {
      analyzed: true,
      verdict,
      fromClass,
      toClass,
      reasoning,
      decidedBy: NAIVE_DECIDED_BY,
    },
    patch: { annotations, ...(resize && { instanceClass: toClass }) },
    answer,
  };
}

/**
 * naiveUsage estimates one call's tokens: the system prompt, the user prompt and the resource's
 * YAML in; the answer, pretty-printed as the demo's prompt shows it, out. Nothing is cached: the
 * resource changes every minute, and the prompts alone are below any cacheable length.
 */
export function naiveUsage(xr: Json, answer: Json): TokenUsage {
  const input = DEMO_PROMPT.systemChars + DEMO_PROMPT.userChars + resourceYaml(xr).length;
  return {
    inputTokens: tokensOf(input),
    outputTokens: tokensOf(JSON.stringify(answer, null, 2).length),
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
  };
}

/** newNaiveDriver plays the demo's policy against a cluster. */
export function newNaiveDriver(policy: Policy, engine: Engine): Driver {
  return {
    run: (cluster: Cluster, now: Date): Promise<RunOutcome> => {
      const choice = naiveChoice(cluster.xr, now, policy, engine);
      return Promise.resolve({
        patch: choice.patch,
        decision: choice.decision,
        modelCalls: [{ outcome: 'ok', usage: naiveUsage(cluster.xr, choice.answer) }],
        results: [],
        functionCalls: 1,
      });
    },
  };
}
