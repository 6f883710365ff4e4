/**
 * The ladder: one step up or down, never past its ends or the policy's min and max bounds, and
 * nowhere from a class that is not on it.
 */
import { describe, expect, test } from 'vitest';

import { ladderPosition, nextClass } from '../../src/scaling/ladder.js';
import type { Direction } from '../../src/scaling/ladder.js';
import type { Policy } from '../../src/scaling/policy.js';
import { policyWith } from '../fixtures/scaling.js';

type Bounds = Partial<Pick<Policy, 'ladder' | 'minInstanceClass' | 'maxInstanceClass'>>;

interface Row {
  readonly name: string;
  readonly reason: string;
  readonly given: {
    readonly current: string;
    readonly direction: Direction;
    /** Replaces the default ladder (db.t3 micro, small, medium, large) or its bounds. */
    readonly policy?: Bounds;
  };
  readonly want: string | undefined;
}

const graviton = ['db.t4g.medium', 'db.m6g.large', 'db.r6g.large'];

const rows: Row[] = [
  {
    name: 'up from the bottom',
    reason: 'The demo scales db.t3.micro up to db.t3.small.',
    given: { current: 'db.t3.micro', direction: 'up' },
    want: 'db.t3.small',
  },
  {
    name: 'up from the middle',
    reason: 'One step, not to the top.',
    given: { current: 'db.t3.small', direction: 'up' },
    want: 'db.t3.medium',
  },
  {
    name: 'down from the middle',
    reason: 'One step, not to the bottom.',
    given: { current: 'db.t3.medium', direction: 'down' },
    want: 'db.t3.small',
  },
  {
    name: 'down from the top',
    reason: 'The largest class steps down to its neighbour.',
    given: { current: 'db.t3.large', direction: 'down' },
    want: 'db.t3.medium',
  },
  {
    name: 'up at the top end',
    reason: 'Nothing is above the last class.',
    given: { current: 'db.t3.large', direction: 'up' },
    want: undefined,
  },
  {
    name: 'down at the bottom end',
    reason: 'Nothing is below the first class.',
    given: { current: 'db.t3.micro', direction: 'down' },
    want: undefined,
  },
  {
    name: 'up at the max bound',
    reason: 'maxInstanceClass caps the ladder below its end.',
    given: {
      current: 'db.t3.medium',
      direction: 'up',
      policy: { maxInstanceClass: 'db.t3.medium' },
    },
    want: undefined,
  },
  {
    name: 'up to the max bound',
    reason: 'The bound itself is allowed.',
    given: {
      current: 'db.t3.small',
      direction: 'up',
      policy: { maxInstanceClass: 'db.t3.medium' },
    },
    want: 'db.t3.medium',
  },
  {
    name: 'down at the min bound',
    reason: 'minInstanceClass floors the ladder above its end.',
    given: {
      current: 'db.t3.small',
      direction: 'down',
      policy: { minInstanceClass: 'db.t3.small' },
    },
    want: undefined,
  },
  {
    name: 'down to the min bound',
    reason: 'The bound itself is allowed.',
    given: {
      current: 'db.t3.medium',
      direction: 'down',
      policy: { minInstanceClass: 'db.t3.small' },
    },
    want: 'db.t3.small',
  },
  {
    name: 'up from below the min bound',
    reason: 'A class set by hand below the floor may step up into the bounds.',
    given: {
      current: 'db.t3.micro',
      direction: 'up',
      policy: { minInstanceClass: 'db.t3.small' },
    },
    want: 'db.t3.small',
  },
  {
    name: 'down from below the min bound',
    reason: 'A class below the floor never moves further from the bounds.',
    given: {
      current: 'db.t3.micro',
      direction: 'down',
      policy: { minInstanceClass: 'db.t3.small' },
    },
    want: undefined,
  },
  {
    name: 'down from above the max bound',
    reason: 'A class set by hand above the cap may step down into the bounds.',
    given: {
      current: 'db.t3.large',
      direction: 'down',
      policy: { maxInstanceClass: 'db.t3.medium' },
    },
    want: 'db.t3.medium',
  },
  {
    name: 'up from above the max bound',
    reason: 'A class above the cap never moves further from the bounds.',
    given: {
      current: 'db.t3.large',
      direction: 'up',
      policy: { maxInstanceClass: 'db.t3.medium' },
    },
    want: undefined,
  },
  {
    name: 'up from a class not on the ladder',
    reason: 'There is no step from a class the ladder does not list.',
    given: { current: 'db.m5.large', direction: 'up' },
    want: undefined,
  },
  {
    name: 'down from a class not on the ladder',
    reason: 'There is no step from a class the ladder does not list.',
    given: { current: 'db.t3.xlarge', direction: 'down' },
    want: undefined,
  },
  {
    name: 'up a custom ladder across families',
    reason: 'The ladder is the policy, not the t3 family order.',
    given: {
      current: 'db.m6g.large',
      direction: 'up',
      policy: {
        ladder: graviton,
        minInstanceClass: 'db.t4g.medium',
        maxInstanceClass: 'db.r6g.large',
      },
    },
    want: 'db.r6g.large',
  },
  {
    name: 'a one-class ladder',
    reason: 'A ladder with one rung allows no step.',
    given: {
      current: 'db.t3.medium',
      direction: 'up',
      policy: {
        ladder: ['db.t3.medium'],
        minInstanceClass: 'db.t3.medium',
        maxInstanceClass: 'db.t3.medium',
      },
    },
    want: undefined,
  },
];

describe('nextClass', () => {
  test.each(rows)('$name', ({ reason, given, want }) => {
    expect(nextClass(policyWith(given.policy), given.current, given.direction), reason).toBe(want);
  });
});

interface PositionRow {
  readonly name: string;
  readonly reason: string;
  readonly given: string;
  readonly want: number;
}

const positions: PositionRow[] = [
  { name: 'first', reason: 'Counted from zero.', given: 'db.t3.micro', want: 0 },
  { name: 'last', reason: 'The default ladder has four rungs.', given: 'db.t3.large', want: 3 },
  { name: 'off the ladder', reason: 'Not found is -1.', given: 'db.r5.large', want: -1 },
];

describe('ladderPosition', () => {
  test.each(positions)('$name', ({ reason, given, want }) => {
    expect(ladderPosition(policyWith(), given), reason).toBe(want);
  });
});
