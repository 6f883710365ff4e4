/** parseDurationSeconds: Go's duration syntax, read exactly, negative and malformed text refused. */
import { describe, expect, test } from 'vitest';

import { isNegativeDuration, parseDurationSeconds } from '../../src/input/duration.js';

interface Row {
  name: string;
  reason: string;
  given: string;
  want: { seconds: number | undefined; negative: boolean };
}

const rows: Row[] = [
  {
    name: 'seconds',
    reason: 'The plainest form.',
    given: '30s',
    want: { seconds: 30, negative: false },
  },
  {
    name: 'minutes',
    reason: 'The default intervals use minutes.',
    given: '5m',
    want: { seconds: 300, negative: false },
  },
  {
    name: 'compound',
    reason: 'Units add up.',
    given: '1h30m',
    want: { seconds: 5400, negative: false },
  },
  {
    name: 'fraction',
    reason: 'Go allows a decimal fraction.',
    given: '1.5h',
    want: { seconds: 5400, negative: false },
  },
  {
    name: 'inexact fraction',
    reason: 'Nanoseconds are summed as integers, so 1.1h has no floating-point residue.',
    given: '1.1h',
    want: { seconds: 3960, negative: false },
  },
  {
    name: 'milliseconds',
    reason: '"ms" is not "m" followed by "s".',
    given: '1500ms',
    want: { seconds: 1.5, negative: false },
  },
  {
    name: 'micro and nano',
    reason: 'Every Go unit is known.',
    given: '1s500ms250us250µs',
    want: { seconds: 1.5005, negative: false },
  },
  {
    name: 'bare zero',
    reason: 'Go accepts "0" without a unit.',
    given: '0',
    want: { seconds: 0, negative: false },
  },
  {
    name: 'leading dot',
    reason: 'Go accepts ".5m".',
    given: '.5m',
    want: { seconds: 30, negative: false },
  },
  {
    name: 'negative',
    reason: 'Negative durations are told apart from garbage.',
    given: '-5m',
    want: { seconds: undefined, negative: true },
  },
  {
    name: 'no unit',
    reason: 'Only zero may omit the unit.',
    given: '300',
    want: { seconds: undefined, negative: false },
  },
  {
    name: 'prose',
    reason: 'Words are not units.',
    given: '5 minutes',
    want: { seconds: undefined, negative: false },
  },
  {
    name: 'days',
    reason: 'Go has no day unit.',
    given: '1d',
    want: { seconds: undefined, negative: false },
  },
  {
    name: 'empty',
    reason: 'Empty text is no duration.',
    given: '',
    want: { seconds: undefined, negative: false },
  },
  {
    name: 'lone dot',
    reason: 'A number needs a digit.',
    given: '.s',
    want: { seconds: undefined, negative: false },
  },
  {
    name: 'beyond int64 nanoseconds',
    reason: 'Go rejects a duration it cannot hold.',
    given: '2562048h',
    want: { seconds: undefined, negative: false },
  },
  {
    name: 'largest Go duration',
    reason: 'Just inside int64 nanoseconds.',
    given: '2562047h',
    want: { seconds: 2562047 * 3600, negative: false },
  },
];

describe('parseDurationSeconds', () => {
  test.each(rows)('$name', ({ reason, given, want }) => {
    expect(
      { seconds: parseDurationSeconds(given), negative: isNegativeDuration(given) },
      reason,
    ).toEqual(want);
  });
});
