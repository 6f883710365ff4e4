/**
 * Reporting a decision: the results a decision earns (on change, never on every call), the
 * summary kept in status or output, and the log line an operator reads.
 */
import { Severity } from '@crossplane-org/function-sdk-typescript';
import type { RunFunctionResponse } from '@crossplane-org/function-sdk-typescript';
import type { Logger } from 'pino';

import type { Decision } from '../scaling/decide.js';
import { addResult } from './response.js';

/** DecisionSummary is the JSON a decision is reported as in status and Operation output. */
export interface DecisionSummary {
  readonly instanceClass: string;
  readonly decision: string;
  readonly analyzed: boolean;
  readonly reason?: string;
  readonly message: string;
  readonly decidedBy: string;
  readonly recommendedClass?: string;
}

/** summarise turns a decision into the JSON reported in status and output. */
export function summarise(decision: Decision): DecisionSummary {
  return {
    instanceClass: decision.toClass,
    decision: decision.verdict,
    analyzed: decision.analyzed,
    ...(decision.skipReason !== undefined && { reason: decision.skipReason }),
    ...(decision.blockedByCooldown === true && { reason: 'Cooldown' }),
    message: decision.reasoning,
    decidedBy: decision.decidedBy,
    ...(decision.recommendedClass !== undefined && { recommendedClass: decision.recommendedClass }),
  };
}

/**
 * reportDecision adds the results a decision earns: NORMAL when the class changes (or would,
 * in recommend-only mode, when the recommendation is new), WARNING when the advisor failed or
 * its answer was refused. A steady state earns none.
 */
export function reportDecision(
  rsp: RunFunctionResponse,
  decision: Decision,
  subject: string,
  previousRecommendation: string | undefined,
): void {
  const prefix = subject === '' ? '' : `${subject}: `;
  const by = `(decided by ${decision.decidedBy})`;
  if (decision.toClass !== decision.fromClass) {
    const reason = decision.verdict === 'ScaleUp' ? 'ScaledUp' : 'ScaledDown';
    addResult(rsp, Severity.SEVERITY_NORMAL, `${prefix}${decision.reasoning} ${by}`, reason);
  }
  const recommended = decision.recommendedClass;
  if (recommended !== undefined && recommended !== previousRecommendation) {
    const message = `${prefix}recommend-only: ${decision.reasoning} ${by}`;
    addResult(rsp, Severity.SEVERITY_NORMAL, message, 'ResizeRecommended');
  }
  if (decision.fallback !== undefined) {
    const { cause, detail } = decision.fallback;
    const message = `${prefix}cannot get advice from the model: ${cause}: ${detail}; the rules decided`;
    addResult(rsp, Severity.SEVERITY_WARNING, message, 'AdvisorFallback');
  }
  if (decision.refused !== undefined) {
    const message = `${prefix}refused the model's answer: ${decision.refused}; the rules decided`;
    addResult(rsp, Severity.SEVERITY_WARNING, message, 'AdviceRefused');
  }
}

/**
 * logDecision logs at info what an operator must see — a class change, a new recommendation in
 * recommend-only mode, a fallback, a refused answer — and everything else at debug.
 */
export function logDecision(log: Logger, decision: Decision, newRecommendation: boolean): void {
  const fields = {
    analyzed: decision.analyzed,
    verdict: decision.verdict,
    fromClass: decision.fromClass,
    toClass: decision.toClass,
    decidedBy: decision.decidedBy,
    ...(decision.skipReason !== undefined && { skipReason: decision.skipReason }),
    ...(decision.recommendedClass !== undefined && { recommendedClass: decision.recommendedClass }),
    ...(decision.usage !== undefined && { usage: decision.usage }),
  };
  const notable =
    decision.toClass !== decision.fromClass ||
    newRecommendation ||
    decision.fallback !== undefined ||
    decision.refused !== undefined;
  if (notable) {
    log.info(
      {
        ...fields,
        ...(decision.fallback !== undefined && { fallback: decision.fallback }),
        ...(decision.refused !== undefined && { refused: decision.refused }),
      },
      decision.reasoning,
    );
  } else {
    log.debug(fields, decision.reasoning);
  }
}
