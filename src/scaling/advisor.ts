/**
 * The advisor interface. An advisor proposes; the guardrails decide what is safe. The built-in
 * rules are the advisor of last resort: always available, never wrong about the envelope.
 */
import type { PerformanceMetrics } from '../resource/performance-metrics.js';
import type { InstanceClass } from './instance-classes.js';
import type { Policy } from './policy.js';
import type { Verdict } from './state.js';
import type { Finding } from './thresholds.js';
import type { Utilisation } from './utilisation.js';

/** Subject is the database being decided on, as far as a decision needs to know it. */
export interface Subject {
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  /** The engine as the resource spells it; connections need a known one. */
  readonly engine?: string;
  readonly region?: string;
  /** The class in effect now. */
  readonly instanceClass: string;
  /** Names the metrics may carry as databaseName. */
  readonly databaseNames: readonly string[];
}

/** Advice is an advisor's proposal for one database. */
export interface Advice {
  readonly decision: Verdict;
  /** The class to run on after the decision; the current class for NoChange. */
  readonly instanceClass: string;
  /** Why, in one or two sentences. */
  readonly reasoning: string;
}

/** AdviceRequest is everything an advisor may weigh: facts only, already checked. */
export interface AdviceRequest {
  readonly now: Date;
  readonly subject: Subject;
  readonly policy: Policy;
  readonly current: InstanceClass;
  readonly smaller?: InstanceClass;
  readonly larger?: InstanceClass;
  readonly metrics: PerformanceMetrics;
  readonly utilisation: Utilisation;
  readonly scaleUpFindings: readonly Finding[];
  readonly scaleDownFindings: readonly Finding[];
  /** Since when the scale-down conditions have held, and for how long in seconds. */
  readonly quietSince?: Date;
  readonly quietSeconds: number;
  readonly lastScaled?: Date;
  /** What the built-in rules decided; the only resize the guardrails will let through. */
  readonly rules: Advice;
}

/** TokenUsage counts the tokens one model call used. */
export interface TokenUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheReadTokens: number;
  readonly cacheWriteTokens: number;
}

/** FallbackCause says why an advisor gave no usable advice. */
export type FallbackCause =
  | 'timeout'
  | 'unavailable'
  | 'rate-limited'
  | 'refusal'
  | 'truncated'
  | 'invalid-output'
  | 'overloaded'
  | 'rejected'
  | 'busy'
  | 'internal';

/** AdvisorAnswer is an advisor's proposal, or why it has none. */
export type AdvisorAnswer =
  | {
      readonly ok: true;
      readonly advice: Advice;
      /** Who advised: `rules`, or `claude/<model>`. */
      readonly decidedBy: string;
      readonly usage?: TokenUsage;
    }
  | {
      readonly ok: false;
      readonly cause: FallbackCause;
      readonly detail: string;
      /** The tokens an answer cost when it came but could not be used. */
      readonly usage?: TokenUsage;
    };

/** Advisor proposes a decision for one database. It resolves; it never rejects. */
export interface Advisor {
  /** A short name for logs and metrics: `rules` or `claude`. */
  readonly name: string;
  advise(request: AdviceRequest, signal: AbortSignal): Promise<AdvisorAnswer>;
}

/** rulesAdvisor proposes exactly what the built-in rules decided. */
export const rulesAdvisor: Advisor = {
  name: 'rules',
  advise: (request) => Promise.resolve({ ok: true, advice: request.rules, decidedBy: 'rules' }),
};
