/**
 * The figures of one replay: what the model cost, what the decisions did to the database, and
 * how well they matched the demand. Every figure is defined in tools/replay/README.md; demand is
 * always judged on the class RDS was actually running at the time.
 */
import { instanceClass } from '../../src/scaling/instance-classes.js';
import type { Engine, InstanceClass } from '../../src/scaling/instance-classes.js';
import { ladderPosition, nextClass } from '../../src/scaling/ladder.js';
import type { Policy } from '../../src/scaling/policy.js';
import { scaleUpFindings } from '../../src/scaling/thresholds.js';
import { formatRfc3339 } from '../../src/time.js';
import type { Demand } from './demand.js';
import { upTriggers, utilisationOn } from './metrics.js';
import type { Minute } from './replay.js';

/** Prices are what a model charges, in US dollars per million tokens. */
export interface Prices {
  readonly input: number;
  readonly output: number;
  readonly cacheRead: number;
  readonly cacheWrite: number;
}

/** HAIKU_4_5_PRICES are Claude Haiku 4.5's list prices, the replay's default. */
export const HAIKU_4_5_PRICES: Prices = { input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25 };

/**
 * DEFAULT_FLAP_WINDOW_SECONDS is how soon a reversal must follow a resize to be a flap: a day,
 * the length of a trace, so any reversal against unchanged demand counts however late it comes.
 */
export const DEFAULT_FLAP_WINDOW_SECONDS = 86_400;

/** ScoreContext is what the figures are judged against. */
export interface ScoreContext {
  readonly policy: Policy;
  readonly engine: Engine;
  readonly durationSeconds: number;
  readonly stepSeconds: number;
  readonly prices: Prices;
  readonly flapWindowSeconds: number;
}

/** Tokens are summed over every model call. */
export interface Tokens {
  readonly input: number;
  readonly output: number;
  readonly cacheRead: number;
  readonly cacheWrite: number;
}

/** Resize is one class change, at the run that decided it. */
export interface Resize {
  readonly at: string;
  readonly from: string;
  readonly to: string;
  readonly direction: 'up' | 'down';
  readonly decidedBy: string;
}

/** Flap is a resize reversed while the demand that caused it had not reversed. */
export interface Flap {
  readonly first: Resize;
  readonly second: Resize;
  readonly minutesApart: number;
}

/** Reaction summarises minutes from a scale-up threshold crossing to the scale-up decision. */
export interface Reaction {
  /** Crossings on a class that could still grow. */
  readonly crossings: number;
  /** Those a scale-up decision followed. */
  readonly answered: number;
  readonly firstMinutes: number | null;
  readonly medianMinutes: number | null;
  readonly maxMinutes: number | null;
}

/** Figures are everything reported for one trace and policy. */
export interface Figures {
  readonly runs: number;
  readonly functionCalls: number;
  /** Runs that analysed the database (not skipped by a gate). */
  readonly analyses: number;
  readonly modelCalls: number;
  /** The most model calls within any one analysis interval. */
  readonly maxModelCallsPerInterval: number;
  /** Model calls after the last resize, or all of them when there was none. */
  readonly modelCallsAfterLastResize: number;
  /** Analyses whose resize question the model's remembered answer settled without a call. */
  readonly answeredFromMemory: number;
  readonly tokens: Tokens;
  /** Input (cached or not) and output tokens per model call; null without calls. */
  readonly tokensPerCall: number | null;
  /** Cost per day at the prices, with cache reads and writes priced as such. */
  readonly costPerDay: number;
  /** Cost per day as if nothing were cached: every input token at the input price. */
  readonly costPerDayUncached: number;
  readonly resizes: number;
  readonly resizeList: readonly Resize[];
  readonly flaps: number;
  readonly flapList: readonly Flap[];
  readonly reaction: Reaction;
  /** Minutes the demand crossed a scale-up threshold on the class RDS was running. */
  readonly minutesAboveScaleUp: number;
  /** The fewest minutes an overload had been over when a scale-down was decided; null without one. */
  readonly scaleDownAfterOverloadMinutes: number | null;
  /** WARNING results with reason AdviceRefused. */
  readonly refused: number;
  /** WARNING results with reason AdvisorFallback. */
  readonly fallbacks: number;
  /** Model calls that did not end `ok`, by cause. */
  readonly failedCalls: Readonly<Record<string, number>>;
  readonly fatal: number;
}

function known(name: string): InstanceClass | undefined {
  return instanceClass(name);
}

function triggersOn(demand: Demand, cls: string, ctx: ScoreContext): string[] {
  const c = known(cls);
  return c === undefined ? [] : upTriggers(demand, c, ctx.engine, ctx.policy).map((f) => f.signal);
}

/** stepMinutesOf is how many minutes one run of the replay stands for. */
function stepMinutesOf(ctx: ScoreContext): number {
  return ctx.stepSeconds / 60;
}

/** intervalStepsOf is how many runs one analysis interval spans, at least one. */
function intervalStepsOf(ctx: ScoreContext): number {
  return Math.max(1, Math.round(ctx.policy.analysisIntervalSeconds / ctx.stepSeconds));
}

function countResults(minutes: readonly Minute[], reason: string): number {
  return minutes.reduce(
    (n, m) =>
      n + m.outcome.results.filter((r) => r.severity === 'WARNING' && r.reason === reason).length,
    0,
  );
}

function sumTokens(minutes: readonly Minute[]): Tokens {
  const sum = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
  for (const call of minutes.flatMap((m) => m.outcome.modelCalls)) {
    sum.input += call.usage?.inputTokens ?? 0;
    sum.output += call.usage?.outputTokens ?? 0;
    sum.cacheRead += call.usage?.cacheReadTokens ?? 0;
    sum.cacheWrite += call.usage?.cacheWriteTokens ?? 0;
  }
  return sum;
}

/** costOf prices tokens; `cached` false prices every input token at the input price. */
export function costOf(tokens: Tokens, prices: Prices, cached = true): number {
  const input = cached
    ? tokens.input * prices.input +
      tokens.cacheRead * prices.cacheRead +
      tokens.cacheWrite * prices.cacheWrite
    : (tokens.input + tokens.cacheRead + tokens.cacheWrite) * prices.input;
  return (input + tokens.output * prices.output) / 1e6;
}

function maxPerInterval(minutes: readonly Minute[], intervalSteps: number): number {
  const counts = minutes.map((m) => m.outcome.modelCalls.length);
  let best = 0;
  for (let i = 0; i < counts.length; i++) {
    const window = counts.slice(i, i + intervalSteps).reduce((a, b) => a + b, 0);
    best = Math.max(best, window);
  }
  return best;
}

function resizesOf(minutes: readonly Minute[], policy: Policy): Resize[] {
  return minutes.flatMap((m) => {
    if (m.resize === undefined) return [];
    const up = ladderPosition(policy, m.resize.to) > ladderPosition(policy, m.resize.from);
    return [
      {
        at: formatRfc3339(m.at),
        from: m.resize.from,
        to: m.resize.to,
        direction: up ? ('up' as const) : ('down' as const),
        decidedBy: m.outcome.decision?.decidedBy ?? '',
      },
    ];
  });
}

/**
 * REVERSAL_MARGIN_POINTS is how far inside its scale-up threshold a signal must be back for the
 * demand that tripped it to count as reversed: far enough that noise around the threshold is not
 * taken for a change of demand.
 */
export const REVERSAL_MARGIN_POINTS = 10;

/**
 * reversed says whether the demand that caused `first` has moved back by the time of `demand`:
 * after a scale-up from A, every signal that triggered it is back inside its scale-up threshold
 * on A by REVERSAL_MARGIN_POINTS; after a scale-down from B, some signal is past its scale-up
 * threshold on B.
 */
export function reversed(
  first: {
    readonly from: string;
    readonly direction: 'up' | 'down';
    readonly triggers: readonly string[];
  },
  demand: Demand,
  ctx: ScoreContext,
): boolean {
  const cls = known(first.from);
  if (cls === undefined) return true;
  if (first.direction === 'down') return upTriggers(demand, cls, ctx.engine, ctx.policy).length > 0;
  const { cpuPercent, freeMemoryPercent, connectionsPercent } = ctx.policy.scaleUp;
  const withMargin = {
    cpuPercent: cpuPercent - REVERSAL_MARGIN_POINTS,
    freeMemoryPercent: freeMemoryPercent + REVERSAL_MARGIN_POINTS,
    connectionsPercent: connectionsPercent - REVERSAL_MARGIN_POINTS,
  };
  const findings = scaleUpFindings(utilisationOn(demand, cls, ctx.engine), withMargin);
  const signals = first.triggers.length > 0 ? first.triggers : ['cpu', 'memory', 'connections'];
  return signals.every((s) => findings.some((f) => f.signal === s && !f.holds));
}

/**
 * flapsOf pairs each resize with the one that undoes it (back to the class it left), innermost
 * first, and keeps the pairs that came within the window while the demand had not reversed.
 */
export function flapsOf(minutes: readonly Minute[], ctx: ScoreContext): Flap[] {
  const stack: { resize: Resize; minute: Minute; triggers: string[] }[] = [];
  const flaps: Flap[] = [];
  for (const minute of minutes) {
    if (minute.resize === undefined) continue;
    const [resize] = resizesOf([minute], ctx.policy);
    if (resize === undefined) continue;
    const top = stack.at(-1);
    if (
      top !== undefined &&
      top.resize.direction !== resize.direction &&
      resize.to === top.resize.from
    ) {
      stack.pop();
      const apart = (minute.at.getTime() - top.minute.at.getTime()) / 1000;
      const first = { ...top.resize, triggers: top.triggers };
      if (apart <= ctx.flapWindowSeconds && !reversed(first, minute.datapoint.demand, ctx)) {
        flaps.push({ first: top.resize, second: resize, minutesApart: apart / 60 });
      }
      continue;
    }
    const triggers = triggersOn(minute.datapoint.demand, resize.from, ctx);
    stack.push({ resize, minute, triggers });
  }
  return flaps;
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] ?? 0;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? 0) + upper) / 2;
}

/**
 * reactionOf measures, for each crossing of a scale-up threshold by the demand on the class RDS
 * runs (one that can still grow, with no resize in flight), the minutes to the next scale-up
 * decision. A crossing the demand leaves for a whole analysis interval with no decision is
 * counted as unanswered.
 */
export function reactionOf(minutes: readonly Minute[], ctx: ScoreContext): Reaction {
  const intervalSteps = intervalStepsOf(ctx);
  const delays: number[] = [];
  let crossings = 0;
  let open: number | undefined;
  let below = 0;
  for (const [i, m] of minutes.entries()) {
    const scaledUp =
      m.resize !== undefined &&
      ladderPosition(ctx.policy, m.resize.to) > ladderPosition(ctx.policy, m.resize.from);
    if (open !== undefined && scaledUp) {
      delays.push((i - open) * stepMinutesOf(ctx));
      open = undefined;
    }
    const inFlight = m.requestedClass !== m.runningClass;
    const room = nextClass(ctx.policy, m.runningClass, 'up') !== undefined;
    const trips = room && !inFlight && triggersOn(m.demand, m.runningClass, ctx).length > 0;
    if (open === undefined && trips) {
      open = i;
      crossings += 1;
      below = 0;
    } else if (open !== undefined) {
      below = trips ? 0 : below + 1;
      if (below >= intervalSteps) open = undefined;
    }
  }
  return {
    crossings,
    answered: delays.length,
    firstMinutes: delays[0] ?? null,
    medianMinutes: median(delays),
    maxMinutes: delays.length === 0 ? null : Math.max(...delays),
  };
}

function scaleDownAfterOverload(minutes: readonly Minute[], ctx: ScoreContext): number | null {
  let lastOverload: number | undefined;
  let best: number | null = null;
  for (const [i, m] of minutes.entries()) {
    const down =
      m.resize !== undefined &&
      ladderPosition(ctx.policy, m.resize.to) < ladderPosition(ctx.policy, m.resize.from);
    if (down && lastOverload !== undefined) {
      const over = (i - lastOverload - 1) * stepMinutesOf(ctx);
      best = best === null ? over : Math.min(best, over);
    }
    if (triggersOn(m.demand, m.runningClass, ctx).length > 0) lastOverload = i;
  }
  return best;
}

function failedCalls(minutes: readonly Minute[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const call of minutes.flatMap((m) => m.outcome.modelCalls)) {
    if (call.outcome !== 'ok') counts[call.outcome] = (counts[call.outcome] ?? 0) + 1;
  }
  return counts;
}

/** score computes every figure of one replay. */
export function score(minutes: readonly Minute[], ctx: ScoreContext): Figures {
  const intervalSteps = intervalStepsOf(ctx);
  const tokens = sumTokens(minutes);
  const modelCalls = minutes.reduce((n, m) => n + m.outcome.modelCalls.length, 0);
  const resizeList = resizesOf(minutes, ctx.policy);
  const lastResize = minutes.findLastIndex((m) => m.resize !== undefined);
  const flapList = flapsOf(minutes, ctx);
  const perDay = 86_400 / ctx.durationSeconds;
  const allTokens = tokens.input + tokens.output + tokens.cacheRead + tokens.cacheWrite;
  return {
    runs: minutes.length,
    functionCalls: minutes.reduce((n, m) => n + m.outcome.functionCalls, 0),
    analyses: minutes.filter((m) => m.outcome.decision?.analyzed === true).length,
    modelCalls,
    maxModelCallsPerInterval: maxPerInterval(minutes, intervalSteps),
    modelCallsAfterLastResize: minutes
      .slice(lastResize + 1)
      .reduce((n, m) => n + m.outcome.modelCalls.length, 0),
    answeredFromMemory: minutes.filter(
      (m) =>
        m.outcome.decision?.analyzed === true &&
        m.outcome.decision.decidedBy.startsWith('claude/') &&
        m.outcome.modelCalls.length === 0,
    ).length,
    tokens,
    tokensPerCall: modelCalls === 0 ? null : allTokens / modelCalls,
    costPerDay: costOf(tokens, ctx.prices) * perDay,
    costPerDayUncached: costOf(tokens, ctx.prices, false) * perDay,
    resizes: resizeList.length,
    resizeList,
    flaps: flapList.length,
    flapList,
    reaction: reactionOf(minutes, ctx),
    minutesAboveScaleUp:
      minutes.filter((m) => triggersOn(m.demand, m.runningClass, ctx).length > 0).length *
      stepMinutesOf(ctx),
    scaleDownAfterOverloadMinutes: scaleDownAfterOverload(minutes, ctx),
    refused: countResults(minutes, 'AdviceRefused'),
    fallbacks: countResults(minutes, 'AdvisorFallback'),
    failedCalls: failedCalls(minutes),
    fatal: minutes.filter((m) => m.outcome.results.some((r) => r.severity === 'FATAL')).length,
  };
}
