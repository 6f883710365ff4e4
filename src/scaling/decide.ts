/**
 * Deciding one database: the gates in order (usable metrics, rate limit, a resize still being
 * applied, cooldown), the rules, the advisor, and the guardrails around whatever it proposes.
 * Pure apart from the advisor call: the time comes in, the next state goes out.
 */
import type { MetricsReading, PerformanceMetrics } from '../resource/performance-metrics.js';
import { addSeconds, formatDuration, formatRfc3339, secondsBetween } from '../time.js';
import type { Advice, Advisor, FallbackCause, Subject, TokenUsage } from './advisor.js';
import { checkAdvice } from './guardrails.js';
import type { Envelope } from './guardrails.js';
import { ENGINES, instanceClass } from './instance-classes.js';
import type { Engine, InstanceClass } from './instance-classes.js';
import { nextClass } from './ladder.js';
import type { Policy } from './policy.js';
import { rulesAdvice } from './rules.js';
import type { AdviceMemo, ScalingState, StateReading, Verdict } from './state.js';
import { scaleDownCheck, scaleUpFindings } from './thresholds.js';
import type { Finding, ScaleDownCheck } from './thresholds.js';
import { CLOCK_SKEW_SECONDS, usableMetrics } from './usable-metrics.js';
import { projectScaleDown } from './projection.js';
import { utilisation } from './utilisation.js';
import type { Load, Utilisation } from './utilisation.js';

/** SkipReason says why a database was not analysed. */
export type SkipReason =
  'InvalidState' | 'UnknownClass' | 'UnusableMetrics' | 'RateLimited' | 'PendingResize';

/**
 * ADVICE_HOLD_MAX_INTERVALS caps, in analysis intervals, how long a model's answer to one
 * question stands. The hold doubles with each identical answer: 2, 4, 8 intervals, then this.
 */
export const ADVICE_HOLD_MAX_INTERVALS = 12;

/** MAX_REASONING_LENGTH bounds the reasoning kept in an annotation. */
export const MAX_REASONING_LENGTH = 300;

/** DecideInput is one database's facts as read from the request. */
export interface DecideInput {
  readonly now: Date;
  readonly policy: Policy;
  readonly subject: Subject;
  readonly metrics: MetricsReading;
  readonly state: StateReading;
  /** The observed RDS Instance's reported class; absent when no Instance was observed. */
  readonly instance?: { readonly reportedClass?: string };
  readonly advisor: Advisor;
  /** Aborts the advisor when the analysis's deadline passes. */
  readonly signal: AbortSignal;
}

/** Decision is the outcome for one database. */
export interface Decision {
  /** Whether an analysis ran; a skipped database keeps its state. */
  readonly analyzed: boolean;
  readonly skipReason?: SkipReason;
  /** Set when a resize was called for and the cooldown forbade it. */
  readonly blockedByCooldown?: boolean;
  /** Set when a database was not analysed but its state still changed and must be written. */
  readonly stateChanged?: boolean;
  /** The final verdict; NoChange when skipped or blocked. */
  readonly verdict: Verdict;
  readonly fromClass: string;
  /** The class to run on from now; fromClass unless a resize is applied. */
  readonly toClass: string;
  /** In recommend-only mode, the class a resize would have moved to. */
  readonly recommendedClass?: string;
  /** One line, for annotations, status, output and logs. */
  readonly reasoning: string;
  /** `rules`, or `claude/<model>` when the model's advice was applied. */
  readonly decidedBy: string;
  /** Why the advisor's answer was refused by the guardrails. */
  readonly refused?: string;
  /** Why the advisor gave no answer, when it failed. */
  readonly fallback?: { readonly cause: FallbackCause; readonly detail: string };
  readonly usage?: TokenUsage;
  readonly utilisation?: Utilisation;
  /** The state to write; absent when the annotations must stay exactly as they are. */
  readonly state?: ScalingState;
  /** When this database should next be looked at, in seconds from now. */
  readonly ttlSeconds: number;
}

/** oneLine collapses whitespace and bounds the length, for annotations and messages. */
export function oneLine(text: string, max = MAX_REASONING_LENGTH): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 3)}...`;
}

/** Facts are what the gates established about a database that is due for analysis. */
interface Facts {
  readonly state: ScalingState;
  readonly current: InstanceClass;
  readonly engine?: Engine;
  readonly metrics: PerformanceMetrics;
  readonly load: Load;
  readonly figures: Utilisation;
  readonly upFindings: readonly Finding[];
  readonly triggers: readonly Finding[];
  readonly down: ScaleDownCheck;
  readonly larger?: string;
  readonly smaller?: string;
  readonly cooldownUntil?: Date;
}

type Gated = { readonly skip: Decision } | { readonly facts: Facts };

function skip(
  input: DecideInput,
  reason: SkipReason,
  why: string,
  ttlSeconds: number,
  state?: ScalingState,
  stateChanged = false,
): Gated {
  const current = input.subject.instanceClass;
  const decision: Decision = {
    analyzed: false,
    skipReason: reason,
    verdict: 'NoChange',
    fromClass: current,
    toClass: current,
    reasoning: oneLine(`Not analysed: ${why}.`),
    decidedBy: 'rules',
    ...(stateChanged && { stateChanged }),
    ...(state !== undefined && { state }),
    ttlSeconds: Math.max(1, Math.round(ttlSeconds)),
  };
  return { skip: decision };
}

function futureAnnotation(state: ScalingState, now: Date): string | undefined {
  const times = [
    ['last-analyzed', state.lastAnalyzed],
    ['last-scaled', state.lastScaled],
    ['quiet-since', state.quietSince],
  ] as const;
  for (const [name, instant] of times) {
    if (instant !== undefined && secondsBetween(now, instant) > CLOCK_SKEW_SECONDS) {
      return `annotation intelligent-scaling/${name}: "${formatRfc3339(instant)}" is in the future`;
    }
  }
  return undefined;
}

/** gate runs the gates in order and returns either why the database is skipped or its facts. */
function gate(input: DecideInput): Gated {
  const { now, policy, subject } = input;
  const shortWait = Math.min(60, policy.analysisIntervalSeconds);
  if (!input.state.ok) return skip(input, 'InvalidState', input.state.problem, shortWait);
  const state = input.state.state;
  const future = futureAnnotation(state, now);
  if (future !== undefined) return skip(input, 'InvalidState', future, shortWait);
  const current = instanceClass(subject.instanceClass);
  if (current === undefined) {
    const why = `instance class "${subject.instanceClass}" is not one this function knows`;
    return skip(input, 'UnknownClass', why, policy.analysisIntervalSeconds, state);
  }
  // While a resize is applied, RDS still runs, and the metrics still describe, the old class.
  const reported = input.instance?.reportedClass;
  const running = (reported === undefined ? undefined : instanceClass(reported)) ?? current;
  const notBefore = resizeBoundary(state);
  const usable = usableMetrics(input.metrics, {
    now,
    maxAgeSeconds: policy.maxMetricsAgeSeconds,
    instanceClass: running,
    databaseNames: subject.databaseNames,
    ...(subject.region !== undefined && { region: subject.region }),
    ...(notBefore !== undefined && { notBefore }),
  });
  if (!usable.ok || !input.metrics.ok) {
    const why = usable.ok ? 'metrics unreadable' : usable.problem;
    const waiting = !usable.ok && usable.waiting === true;
    if (waiting) return skip(input, 'PendingResize', why, shortWait, state);
    // The scale-down conditions must hold at every analysis of the window; one that could not
    // look breaks it, so the window starts again once metrics are usable.
    const { quietSince, quietLoad: _quietLoad, ...unquiet } = state;
    const broken = quietSince !== undefined;
    return skip(input, 'UnusableMetrics', why, shortWait, broken ? unquiet : state, broken);
  }
  const facts = establish(input, state, current, input.metrics.metrics, usable.load);
  const rateLimited = rateLimit(input, facts);
  if (rateLimited !== undefined) return rateLimited;
  return pendingResize(input, facts) ?? { facts };
}

function establish(
  input: DecideInput,
  state: ScalingState,
  current: InstanceClass,
  metrics: PerformanceMetrics,
  load: Load,
): Facts {
  const { policy } = input;
  const engine = ENGINES.find((e) => e === input.subject.engine);
  const figures = utilisation(load, current, engine);
  const upFindings = scaleUpFindings(figures, policy.scaleUp);
  const larger = nextClass(policy, current.name, 'up');
  const smaller = nextClass(policy, current.name, 'down');
  const cooldownUntil =
    state.lastScaled === undefined
      ? undefined
      : addSeconds(state.lastScaled, policy.cooldownSeconds);
  return {
    state,
    current,
    ...(engine !== undefined && { engine }),
    metrics,
    load,
    figures,
    upFindings,
    triggers: upFindings.filter((f) => f.holds),
    down: scaleDownCheck(figures, policy.scaleDown),
    ...(larger !== undefined && { larger }),
    ...(smaller !== undefined && { smaller }),
    ...(cooldownUntil !== undefined && { cooldownUntil }),
  };
}

function cooling(input: DecideInput, facts: Facts): boolean {
  return facts.cooldownUntil !== undefined && facts.cooldownUntil > input.now;
}

function pending(input: DecideInput): boolean {
  return (
    input.instance !== undefined && input.instance.reportedClass !== input.subject.instanceClass
  );
}

function rateLimit(input: DecideInput, facts: Facts): Gated | undefined {
  const { lastAnalyzed, lastTriggers } = facts.state;
  if (lastAnalyzed === undefined) return undefined;
  const due = addSeconds(lastAnalyzed, input.policy.analysisIntervalSeconds);
  if (due <= input.now) return undefined;
  // A new scale-up trigger may cut the wait short, but only when a resize could follow, so
  // noise around a threshold cannot turn into an analysis every call.
  const unseen = facts.triggers.some((t) => !lastTriggers.includes(t.signal));
  if (unseen && !pending(input) && !cooling(input, facts) && facts.larger !== undefined) {
    return undefined;
  }
  const why = `last analysis at ${formatRfc3339(lastAnalyzed)}, next due at ${formatRfc3339(due)}`;
  return skip(input, 'RateLimited', why, secondsBetween(input.now, due), facts.state);
}

/**
 * resizeBoundary is the time before which datapoints describe the class before the last resize:
 * when RDS was first seen running the new class, or, until then, when the resize was asked for.
 */
function resizeBoundary(state: ScalingState): Date | undefined {
  const { lastScaled, resizeCompletedAt } = state;
  if (lastScaled === undefined) return undefined;
  return resizeCompletedAt !== undefined && resizeCompletedAt >= lastScaled
    ? resizeCompletedAt
    : lastScaled;
}

/**
 * completion notices the first analysis that sees RDS running the class the last resize asked
 * for, and records it: datapoints older than that still describe the old class.
 */
function completion(input: DecideInput, facts: Facts, shortWait: number): Gated | undefined {
  const { lastScaled, resizeCompletedAt } = facts.state;
  const observed = input.instance !== undefined;
  const recorded =
    resizeCompletedAt !== undefined && lastScaled !== undefined && resizeCompletedAt >= lastScaled;
  if (!observed || lastScaled === undefined || recorded) return undefined;
  const why = `the RDS Instance now runs "${facts.current.name}"; waiting for metrics taken after ${formatRfc3339(input.now)}`;
  const state = { ...facts.state, resizeCompletedAt: input.now };
  return skip(input, 'PendingResize', why, shortWait, state, true);
}

function pendingResize(input: DecideInput, facts: Facts): Gated | undefined {
  const shortWait = Math.min(60, input.policy.analysisIntervalSeconds);
  if (!pending(input)) return completion(input, facts, shortWait);
  const asked = `"${facts.current.name}" was asked for`;
  const reported = input.instance?.reportedClass;
  const why =
    reported === undefined
      ? `the RDS Instance has not reported its class yet; ${asked}`
      : `a resize is still being applied: the RDS Instance reports "${reported}", ${asked}`;
  return skip(
    input,
    'PendingResize',
    why,
    Math.min(60, input.policy.analysisIntervalSeconds),
    facts.state,
  );
}

interface Consultation {
  readonly advice: Advice;
  readonly decidedBy: string;
  readonly blocked?: boolean;
  readonly refused?: string;
  readonly fallback?: { readonly cause: FallbackCause; readonly detail: string };
  readonly usage?: TokenUsage;
  /** The model's new answer to remember; absent keeps what was remembered. */
  readonly memo?: AdviceMemo;
}

function questionOf(rules: Advice): string {
  return `${rules.decision} ${rules.instanceClass}`;
}

function holdSeconds(policy: Policy, memo: AdviceMemo): number {
  const interval = policy.analysisIntervalSeconds;
  return Math.min(interval * 2 ** memo.count, interval * ADVICE_HOLD_MAX_INTERVALS);
}

/**
 * standingAdvice is the model's remembered answer to the question the rules ask now, while it
 * stands: always for one analysis interval, then for the hold unless a new trigger appeared.
 */
function standingAdvice(input: DecideInput, facts: Facts, rules: Advice): AdviceMemo | undefined {
  const memo = facts.state.advice;
  if (input.advisor.name === 'rules' || memo?.question !== questionOf(rules)) return undefined;
  const age = secondsBetween(memo.at, input.now);
  const unseen = facts.triggers.some((t) => !memo.triggers.includes(t.signal));
  const standing =
    age < input.policy.analysisIntervalSeconds ||
    (age < holdSeconds(input.policy, memo) && !unseen);
  return standing ? memo : undefined;
}

function reuse(input: DecideInput, rules: Advice, memo: AdviceMemo): Consultation {
  const at = formatRfc3339(memo.at);
  const again = formatRfc3339(addSeconds(memo.at, holdSeconds(input.policy, memo)));
  if (memo.answer === 'NoChange') {
    const reasoning = `${rules.reasoning} Held back: ${memo.by} declined this at ${at}; it is asked again after ${again}.`;
    const advice: Advice = {
      decision: 'NoChange',
      instanceClass: input.subject.instanceClass,
      reasoning,
    };
    return { advice, decidedBy: memo.by };
  }
  return {
    advice: { ...rules, reasoning: `${rules.reasoning} (${memo.by} agreed at ${at}.)` },
    decidedBy: memo.by,
  };
}

function remember(facts: Facts, rules: Advice, answer: Advice, by: string, now: Date): AdviceMemo {
  const question = questionOf(rules);
  const previous = facts.state.advice;
  const same = previous?.question === question && previous.answer === answer.decision;
  return {
    question,
    answer: answer.decision,
    at: now,
    count: same ? previous.count + 1 : 1,
    by,
    triggers: facts.triggers.map((t) => t.signal),
  };
}

function heldBack(input: DecideInput, rules: Advice, until: Date): Consultation {
  const wait = formatDuration(input.policy.cooldownSeconds);
  const would = `${rules.reasoning.charAt(0).toLowerCase()}${rules.reasoning.slice(1)}`;
  const reasoning = `Would ${would} Held back: the ${wait} cooldown runs until ${formatRfc3339(until)}.`;
  return {
    advice: { decision: 'NoChange', instanceClass: input.subject.instanceClass, reasoning },
    decidedBy: 'rules',
    blocked: true,
  };
}

async function consult(
  input: DecideInput,
  facts: Facts,
  rules: Advice,
  quiet: { since?: Date; seconds: number },
): Promise<Consultation> {
  // The advisor can only confirm or veto what the rules call for, so asking it about a
  // NoChange buys nothing.
  if (rules.decision === 'NoChange') return { advice: rules, decidedBy: 'rules' };
  if (cooling(input, facts) && facts.cooldownUntil !== undefined) {
    return heldBack(input, rules, facts.cooldownUntil);
  }
  const standing = standingAdvice(input, facts, rules);
  if (standing !== undefined) return reuse(input, rules, standing);
  const { current } = facts;
  const smaller = facts.smaller === undefined ? undefined : instanceClass(facts.smaller);
  const larger = facts.larger === undefined ? undefined : instanceClass(facts.larger);
  const answer = await input.advisor.advise(
    {
      now: input.now,
      subject: input.subject,
      policy: input.policy,
      current,
      ...(smaller !== undefined && { smaller }),
      ...(larger !== undefined && { larger }),
      metrics: facts.metrics,
      utilisation: facts.figures,
      scaleUpFindings: facts.upFindings,
      scaleDownFindings: facts.down.findings,
      ...(quiet.since !== undefined && { quietSince: quiet.since }),
      quietSeconds: quiet.seconds,
      ...(facts.state.lastScaled !== undefined && { lastScaled: facts.state.lastScaled }),
      rules,
    },
    input.signal,
  );
  const usage = answer.usage === undefined ? {} : { usage: answer.usage };
  // The rules decide in the model's place, and the decision says why, wherever it is kept.
  const instead = (why: string): Advice => ({ ...rules, reasoning: `${rules.reasoning} ${why}` });
  if (!answer.ok) {
    const fallback = { cause: answer.cause, detail: answer.detail };
    const advice = instead(`The model gave no usable answer (${answer.cause}).`);
    return { advice, decidedBy: 'rules', fallback, ...usage };
  }
  const envelope: Envelope = {
    current: current.name,
    ladder: input.policy.ladder,
    ...(rules.decision === 'ScaleUp' && { up: rules.instanceClass }),
    ...(rules.decision === 'ScaleDown' && { down: rules.instanceClass }),
  };
  const check = checkAdvice(envelope, answer.advice);
  if (!check.ok) {
    const advice = instead(`The model's answer was refused: ${check.reason}.`);
    return { advice, decidedBy: 'rules', refused: check.reason, ...usage };
  }
  const advice: Advice =
    answer.advice.decision === 'NoChange'
      ? { ...answer.advice, instanceClass: current.name }
      : answer.advice;
  const memo =
    input.advisor.name === 'rules'
      ? {}
      : { memo: remember(facts, rules, advice, answer.decidedBy, input.now) };
  return { advice, decidedBy: answer.decidedBy, ...usage, ...memo };
}

function nextState(
  input: DecideInput,
  facts: Facts,
  outcome: Consultation,
  quiet: { readonly since: Date; readonly load: Load } | undefined,
): ScalingState {
  const { advice: final, decidedBy } = outcome;
  const resize = final.decision !== 'NoChange';
  const applied = resize && !input.policy.recommendOnly;
  const {
    quietSince: _quietSince,
    quietLoad: _quietLoad,
    recommendedClass: _recommended,
    advice: _advice,
    ...kept
  } = facts.state;
  // After a resize the question is a new one; otherwise the newest answer is remembered.
  const memo = applied ? undefined : (outcome.memo ?? facts.state.advice);
  const lastScaled = applied ? input.now : facts.state.lastScaled;
  // A resize restarts the scale-down window: the new class has not been quiet yet.
  const window = applied ? undefined : quiet;
  const recommendedClass = input.policy.recommendOnly && resize ? final.instanceClass : undefined;
  return {
    ...kept,
    lastAnalyzed: input.now,
    ...(lastScaled !== undefined && { lastScaled }),
    lastDecision: oneLine(final.reasoning),
    lastVerdict: final.decision,
    lastTriggers: facts.triggers.map((t) => t.signal),
    ...(window !== undefined && { quietSince: window.since, quietLoad: window.load }),
    ...(recommendedClass !== undefined && { recommendedClass }),
    decidedBy,
    ...(memo !== undefined && { advice: memo }),
  };
}

/** decide runs the gates, the rules, the advisor and the guardrails for one database. */
export async function decide(input: DecideInput): Promise<Decision> {
  const gated = gate(input);
  if ('skip' in gated) return gated.skip;
  const { facts } = gated;
  const { policy, now } = input;
  const quietSince = facts.down.holds ? (facts.state.quietSince ?? now) : undefined;
  const quietSeconds = quietSince === undefined ? 0 : secondsBetween(quietSince, now);
  // The load when the quiet window began: the trend a scale-down is projected along.
  const quietLoad = quietSince === undefined ? undefined : (facts.state.quietLoad ?? facts.load);
  const rules = rulesAdvice({
    policy,
    current: facts.current.name,
    ...(facts.larger !== undefined && { larger: facts.larger }),
    ...(facts.smaller !== undefined && { smaller: facts.smaller }),
    utilisation: facts.figures,
    scaleUpFindings: facts.upFindings,
    scaleDown: facts.down,
    quietSeconds,
    projection: projectScaleDown({
      policy,
      load: facts.load,
      current: facts.current,
      ...(facts.smaller !== undefined && { smaller: facts.smaller }),
      ...(facts.engine !== undefined && { engine: facts.engine }),
      ...(quietLoad !== undefined && { baseline: quietLoad }),
      quietSeconds,
    }),
  });
  const quiet = { ...(quietSince !== undefined && { since: quietSince }), seconds: quietSeconds };
  const outcome = await consult(input, facts, rules, quiet);
  const final = outcome.advice;
  const resize = final.decision !== 'NoChange';
  const applied = resize && !policy.recommendOnly;
  return {
    analyzed: true,
    ...(outcome.blocked === true && { blockedByCooldown: true }),
    verdict: final.decision,
    fromClass: facts.current.name,
    toClass: applied ? final.instanceClass : facts.current.name,
    ...(policy.recommendOnly && resize && { recommendedClass: final.instanceClass }),
    reasoning: oneLine(final.reasoning),
    decidedBy: outcome.decidedBy,
    ...(outcome.refused !== undefined && { refused: outcome.refused }),
    ...(outcome.fallback !== undefined && { fallback: outcome.fallback }),
    ...(outcome.usage !== undefined && { usage: outcome.usage }),
    utilisation: facts.figures,
    state: nextState(
      input,
      facts,
      outcome,
      quietSince && { since: quietSince, load: quietLoad ?? facts.load },
    ),
    ttlSeconds: policy.analysisIntervalSeconds,
  };
}
