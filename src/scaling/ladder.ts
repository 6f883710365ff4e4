/**
 * The ladder: the ordered instance classes a database may move along, one step at a time,
 * never past its ends or the policy's bounds.
 */
import type { Policy } from './policy.js';

/** Direction of a resize along the ladder. */
export type Direction = 'up' | 'down';

/** ladderPosition returns the class's index on the ladder, or -1 when it is not on it. */
export function ladderPosition(policy: Policy, name: string): number {
  return policy.ladder.indexOf(name);
}

/**
 * nextClass returns the class one step from `current` in the given direction, or undefined when
 * `current` is not on the ladder or the step would pass the ladder's end or the policy's bounds.
 */
export function nextClass(
  policy: Policy,
  current: string,
  direction: Direction,
): string | undefined {
  const position = ladderPosition(policy, current);
  if (position < 0) return undefined;
  const next = position + (direction === 'up' ? 1 : -1);
  const lowest = ladderPosition(policy, policy.minInstanceClass);
  const highest = ladderPosition(policy, policy.maxInstanceClass);
  if (next < lowest || next > highest) return undefined;
  return policy.ladder[next];
}
