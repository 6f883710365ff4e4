/**
 * The guardrails: NoChange always passes; a resize passes only to the one class the envelope
 * allows in its direction; every other resize is refused with a reason naming what is wrong.
 */
import { describe, expect, test } from 'vitest';

import type { Advice } from '../../src/scaling/advisor.js';
import { checkAdvice } from '../../src/scaling/guardrails.js';
import type { Check, Envelope } from '../../src/scaling/guardrails.js';

const ladder = ['db.t3.micro', 'db.t3.small', 'db.t3.medium', 'db.t3.large'];

/** A db.t3.small where the rules allow both directions; rows remove what they need to. */
const both: Envelope = { current: 'db.t3.small', up: 'db.t3.medium', down: 'db.t3.micro', ladder };
const upOnly: Envelope = { current: 'db.t3.small', up: 'db.t3.medium', ladder };
const downOnly: Envelope = { current: 'db.t3.small', down: 'db.t3.micro', ladder };
const neither: Envelope = { current: 'db.t3.small', ladder };

/** advice builds a proposal; the reasoning never affects the verdict. */
function advice(decision: Advice['decision'], instanceClass: string): Advice {
  return { decision, instanceClass, reasoning: 'the model said so' };
}

interface Row {
  readonly name: string;
  readonly reason: string;
  readonly given: { readonly envelope: Envelope; readonly advice: Advice };
  readonly want: Check;
}

const rows: Row[] = [
  {
    name: 'NoChange with nothing allowed',
    reason: 'Staying put is always safe.',
    given: { envelope: neither, advice: advice('NoChange', 'db.t3.small') },
    want: { ok: true },
  },
  {
    name: 'NoChange naming another class',
    reason: 'NoChange never resizes; the caller keeps the current class whatever is named.',
    given: { envelope: both, advice: advice('NoChange', 'db.r5.24xlarge') },
    want: { ok: true },
  },
  {
    name: 'ScaleUp to the allowed class',
    reason: 'One step up where a trigger holds.',
    given: { envelope: upOnly, advice: advice('ScaleUp', 'db.t3.medium') },
    want: { ok: true },
  },
  {
    name: 'ScaleDown to the allowed class',
    reason: 'One step down where the quiet window held.',
    given: { envelope: downOnly, advice: advice('ScaleDown', 'db.t3.micro') },
    want: { ok: true },
  },
  {
    name: 'ScaleUp to a class off the ladder',
    reason: 'The model may only pick classes the platform team listed.',
    given: { envelope: upOnly, advice: advice('ScaleUp', 'db.m5.large') },
    want: { ok: false, reason: 'ScaleUp refused: "db.m5.large" is not on the ladder' },
  },
  {
    name: 'ScaleUp two steps',
    reason: 'A resize moves one step at a time.',
    given: { envelope: upOnly, advice: advice('ScaleUp', 'db.t3.large') },
    want: { ok: false, reason: 'ScaleUp refused: "db.t3.large" is 2 steps from "db.t3.small"' },
  },
  {
    name: 'ScaleDown three steps',
    reason: 'The step count is named.',
    given: {
      envelope: { current: 'db.t3.large', down: 'db.t3.medium', ladder },
      advice: advice('ScaleDown', 'db.t3.micro'),
    },
    want: { ok: false, reason: 'ScaleDown refused: "db.t3.micro" is 3 steps from "db.t3.large"' },
  },
  {
    name: 'ScaleUp to a smaller class',
    reason: 'The verdict and the class must agree on the direction.',
    given: { envelope: both, advice: advice('ScaleUp', 'db.t3.micro') },
    want: {
      ok: false,
      reason: 'ScaleUp refused: ScaleUp to "db.t3.micro" goes the wrong way from "db.t3.small"',
    },
  },
  {
    name: 'ScaleDown to a larger class',
    reason: 'The verdict and the class must agree on the direction.',
    given: { envelope: both, advice: advice('ScaleDown', 'db.t3.medium') },
    want: {
      ok: false,
      reason:
        'ScaleDown refused: ScaleDown to "db.t3.medium" goes the wrong way from "db.t3.small"',
    },
  },
  {
    name: 'ScaleUp to the same class',
    reason: 'A resize that names the current class is a contradiction.',
    given: { envelope: upOnly, advice: advice('ScaleUp', 'db.t3.small') },
    want: { ok: false, reason: 'ScaleUp refused: ScaleUp must change the class' },
  },
  {
    name: 'ScaleDown to the same class',
    reason: 'A resize that names the current class is a contradiction.',
    given: { envelope: downOnly, advice: advice('ScaleDown', 'db.t3.small') },
    want: { ok: false, reason: 'ScaleDown refused: ScaleDown must change the class' },
  },
  {
    name: 'ScaleUp where no scale-up is allowed',
    reason: 'No trigger holds, or the class is at the top; the step itself would be fine.',
    given: { envelope: downOnly, advice: advice('ScaleUp', 'db.t3.medium') },
    want: {
      ok: false,
      reason: 'ScaleUp refused: no scale-up trigger holds or no larger class is allowed',
    },
  },
  {
    name: 'ScaleDown where no scale-down is allowed',
    reason: 'The window has not held, or the class is at the bottom.',
    given: { envelope: upOnly, advice: advice('ScaleDown', 'db.t3.micro') },
    want: {
      ok: false,
      reason:
        'ScaleDown refused: the scale-down conditions have not held for the window or no smaller class is allowed',
    },
  },
  {
    name: 'ScaleUp off the ladder where nothing is allowed',
    reason: 'The missing direction is reported before what is wrong with the class.',
    given: { envelope: neither, advice: advice('ScaleUp', 'db.m5.large') },
    want: {
      ok: false,
      reason: 'ScaleUp refused: no scale-up trigger holds or no larger class is allowed',
    },
  },
  {
    name: 'one step up, but not the allowed class',
    reason: 'The envelope, not the ladder, is the authority on which class is allowed.',
    given: {
      envelope: { current: 'db.t3.small', up: 'db.t3.large', ladder },
      advice: advice('ScaleUp', 'db.t3.medium'),
    },
    want: { ok: false, reason: 'ScaleUp refused: "db.t3.medium" is outside the allowed classes' },
  },
];

describe('checkAdvice', () => {
  test.each(rows)('$name', ({ reason, given, want }) => {
    expect(checkAdvice(given.envelope, given.advice), reason).toStrictEqual(want);
  });
});
