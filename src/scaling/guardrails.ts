/**
 * Guardrails: the envelope every applied decision stays inside, whoever proposed it. The
 * class is on the ladder, within the bounds, one step from the current class in the decision's
 * direction, and only where the thresholds call for it; NoChange is always allowed.
 */
import type { Advice } from './advisor.js';

/** Envelope lists the resizes allowed now; a direction is absent when none is. */
export interface Envelope {
  readonly current: string;
  /** The class one step up, when a scale-up trigger holds and nothing blocks a resize. */
  readonly up?: string;
  /** The class one step down, when the scale-down conditions held for the window. */
  readonly down?: string;
  /** The ladder, to tell an off-ladder class from a wrong step. */
  readonly ladder: readonly string[];
}

/** Check is the guardrails' verdict on one piece of advice. */
export type Check = { readonly ok: true } | { readonly ok: false; readonly reason: string };

function wrongStep(envelope: Envelope, advice: Advice): string {
  const { ladder, current } = envelope;
  const target = advice.instanceClass;
  if (!ladder.includes(target)) return `"${target}" is not on the ladder`;
  const steps = ladder.indexOf(target) - ladder.indexOf(current);
  if (steps === 0) return `${advice.decision} must change the class`;
  const direction = advice.decision === 'ScaleUp' ? 1 : -1;
  if (Math.sign(steps) !== direction) {
    return `${advice.decision} to "${target}" goes the wrong way from "${current}"`;
  }
  if (Math.abs(steps) > 1) return `"${target}" is ${Math.abs(steps)} steps from "${current}"`;
  return `"${target}" is outside the allowed classes`;
}

/** checkAdvice says whether the advice stays inside the envelope, and if not, why. */
export function checkAdvice(envelope: Envelope, advice: Advice): Check {
  if (advice.decision === 'NoChange') return { ok: true };
  const allowed = advice.decision === 'ScaleUp' ? envelope.up : envelope.down;
  if (allowed !== undefined && advice.instanceClass === allowed) return { ok: true };
  if (allowed === undefined) {
    const why =
      advice.decision === 'ScaleUp'
        ? 'no scale-up trigger holds or no larger class is allowed'
        : 'the scale-down conditions have not held for the window or no smaller class is allowed';
    return { ok: false, reason: `${advice.decision} refused: ${why}` };
  }
  return { ok: false, reason: `${advice.decision} refused: ${wrongStep(envelope, advice)}` };
}
