/**
 * The built-in rules: scale up one step when any scale-up trigger holds, down one step when
 * every scale-down condition has held for the window and the smaller class would not trip a
 * scale-up trigger itself. Each verdict names the figures and limits that drove it.
 */
import type { Advice } from './advisor.js';
import type { Policy } from './policy.js';
import { horizonSeconds } from './projection.js';
import type { ScaleDownProjection } from './projection.js';
import { formatDuration } from '../time.js';
import { describeFinding, describeUtilisation } from './thresholds.js';
import type { Finding, ScaleDownCheck } from './thresholds.js';
import type { Utilisation } from './utilisation.js';

/** RulesInput is what the rules weigh; every figure is already checked. */
export interface RulesInput {
  readonly policy: Policy;
  readonly current: string;
  /** The class one step up, when the ladder and bounds allow one. */
  readonly larger?: string;
  /** The class one step down, when the ladder and bounds allow one. */
  readonly smaller?: string;
  readonly utilisation: Utilisation;
  readonly scaleUpFindings: readonly Finding[];
  readonly scaleDown: ScaleDownCheck;
  /** How long the scale-down conditions have held, in seconds. */
  readonly quietSeconds: number;
  /** Scale-up thresholds, less the headroom, the smaller class would trip, now or ahead. */
  readonly projection: ScaleDownProjection;
}

function list(findings: readonly Finding[]): string {
  return findings.map(describeFinding).join(', ');
}

function noChange(current: string, reasoning: string): Advice {
  return { decision: 'NoChange', instanceClass: current, reasoning };
}

function edge(input: RulesInput, direction: 'largest' | 'smallest'): string {
  return input.policy.ladder.includes(input.current)
    ? `"${input.current}" is the ${direction} class allowed`
    : `"${input.current}" is not on the ladder`;
}

function scaleUp(input: RulesInput, triggers: readonly Finding[]): Advice {
  const { current, larger } = input;
  if (larger === undefined) {
    return noChange(
      current,
      `No change: ${list(triggers)} calls for a larger class, but ${edge(input, 'largest')}.`,
    );
  }
  return {
    decision: 'ScaleUp',
    instanceClass: larger,
    reasoning: `Scale up from ${current} to ${larger}: ${list(triggers)}.`,
  };
}

function scaleDown(input: RulesInput): Advice {
  const { current, smaller, policy, quietSeconds, scaleDown: check } = input;
  const window = formatDuration(policy.scaleDownWindowSeconds);
  const quiet = list(check.findings);
  if (quietSeconds < policy.scaleDownWindowSeconds) {
    return noChange(
      current,
      `No change on ${current}: quiet for ${formatDuration(quietSeconds)} of ${window} (${quiet}).`,
    );
  }
  if (smaller === undefined) {
    return noChange(
      current,
      `No change: quiet for ${window} (${quiet}), but ${edge(input, 'smallest')}.`,
    );
  }
  const { triggers, fromTrend } = input.projection;
  if (triggers.length > 0) {
    const load = fromTrend
      ? `the load growing as it has for ${formatDuration(quietSeconds)} would give, within ${formatDuration(horizonSeconds(policy))},`
      : 'the same load would give';
    return noChange(
      current,
      `No change on ${current}: quiet, but on ${smaller} ${load} ${list(triggers)}.`,
    );
  }
  return {
    decision: 'ScaleDown',
    instanceClass: smaller,
    reasoning: `Scale down from ${current} to ${smaller}: ${quiet} for ${window}.`,
  };
}

function steady(input: RulesInput): string {
  const { current, utilisation, scaleDown: check } = input;
  const unknown = check.unknown.length > 0 ? `; ${check.unknown.join(', ')} unknown` : '';
  const busy = check.findings.filter((f) => !f.holds);
  const why = busy.length > 0 ? `not quiet: ${list(busy)}` : 'not quiet';
  return `No change on ${current}: ${describeUtilisation(utilisation)} are within the thresholds (${why}${unknown}).`;
}

/** rulesAdvice is the built-in rules' decision. It ignores the cooldown; the caller applies it. */
export function rulesAdvice(input: RulesInput): Advice {
  const triggers = input.scaleUpFindings.filter((f) => f.holds);
  if (triggers.length > 0) return scaleUp(input, triggers);
  if (input.scaleDown.holds) return scaleDown(input);
  return noChange(input.current, steady(input));
}
