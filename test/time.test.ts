/**
 * Times as Kubernetes writes them: parsing RFC 3339 strictly (zones, fractions, impossible
 * dates, garbage), writing UTC to the second, durations in the input's spelling, and the
 * second arithmetic the gates rely on.
 */
import { describe, expect, test } from 'vitest';

import {
  addSeconds,
  formatDuration,
  formatRfc3339,
  parseRfc3339,
  secondsBetween,
} from '../src/time.js';

/** utc builds an instant from UTC calendar fields, month counted from 1. */
function utc(year: number, month: number, day: number, h = 0, m = 0, s = 0, ms = 0): Date {
  const instant = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not move years 0-99 into the 1900s.
  instant.setUTCFullYear(year, month - 1, day);
  instant.setUTCHours(h, m, s, ms);
  return instant;
}

interface ParseRow {
  readonly name: string;
  readonly reason: string;
  readonly given: string;
  readonly want: Date | undefined;
}

const parses: ParseRow[] = [
  {
    name: 'UTC with Z',
    reason: 'The form this function and the demo metrics step write.',
    given: '2025-09-15T12:52:00Z',
    want: utc(2025, 9, 15, 12, 52),
  },
  {
    name: 'lower-case t and z',
    reason: 'RFC 3339 allows the separators in lower case.',
    given: '2025-09-15t12:52:00z',
    want: utc(2025, 9, 15, 12, 52),
  },
  {
    name: 'positive offset',
    reason: 'An offset east of UTC is subtracted.',
    given: '2025-09-15T14:52:00+02:00',
    want: utc(2025, 9, 15, 12, 52),
  },
  {
    name: 'negative offset with minutes',
    reason: 'An offset west of UTC is added, minutes included.',
    given: '2025-09-15T05:22:00-07:30',
    want: utc(2025, 9, 15, 12, 52),
  },
  {
    name: 'offset across midnight',
    reason: 'The offset may move the instant into another day.',
    given: '2025-09-16T01:00:00+14:00',
    want: utc(2025, 9, 15, 11),
  },
  {
    name: 'unknown local offset',
    reason: '-00:00 is UTC.',
    given: '2025-09-15T12:52:00-00:00',
    want: utc(2025, 9, 15, 12, 52),
  },
  {
    name: 'milliseconds',
    reason: 'Three fraction digits are kept exactly.',
    given: '2025-09-15T12:52:00.034Z',
    want: utc(2025, 9, 15, 12, 52, 0, 34),
  },
  {
    name: 'one fraction digit',
    reason: 'A fraction may be shorter than milliseconds.',
    given: '2025-09-15T12:52:00.5Z',
    want: utc(2025, 9, 15, 12, 52, 0, 500),
  },
  {
    name: 'nanoseconds as the demo metrics step writes them',
    reason: 'Go writes nine fraction digits; a Date keeps milliseconds.',
    given: '2025-09-15T12:53:49.034106466Z',
    want: utc(2025, 9, 15, 12, 53, 49, 34),
  },
  {
    name: 'nanoseconds truncated, not rounded',
    reason: 'Rounding .999999999 would move the instant into the next second.',
    given: '2025-09-15T12:52:00.999999999Z',
    want: utc(2025, 9, 15, 12, 52, 0, 999),
  },
  {
    name: 'fraction and offset',
    reason: 'The fraction is truncated before the offset is applied.',
    given: '2025-09-15T13:52:00.123456+01:00',
    want: utc(2025, 9, 15, 12, 52, 0, 123),
  },
  {
    name: 'leap day',
    reason: '2024 is a leap year.',
    given: '2024-02-29T00:00:00Z',
    want: utc(2024, 2, 29),
  },
  {
    name: 'leap day of a 400th year',
    reason: '2000 is a leap year despite being a century.',
    given: '2000-02-29T23:59:59Z',
    want: utc(2000, 2, 29, 23, 59, 59),
  },
  {
    name: 'year before 100',
    reason: 'Years 0-99 must not be read as 1900-1999.',
    given: '0050-01-01T00:00:00Z',
    want: utc(50, 1, 1),
  },
  {
    name: '30 February',
    reason: 'An impossible date must not roll over into March.',
    given: '2025-02-30T00:00:00Z',
    want: undefined,
  },
  {
    name: '29 February of a common year',
    reason: '2025 is not a leap year.',
    given: '2025-02-29T00:00:00Z',
    want: undefined,
  },
  {
    name: '29 February of a century',
    reason: '1900 is not a leap year.',
    given: '1900-02-29T00:00:00Z',
    want: undefined,
  },
  {
    name: '31 April',
    reason: 'April has 30 days.',
    given: '2025-04-31T00:00:00Z',
    want: undefined,
  },
  {
    name: 'month 13',
    reason: 'Must not roll over into the next year.',
    given: '2025-13-01T00:00:00Z',
    want: undefined,
  },
  {
    name: 'month 00',
    reason: 'Must not roll back into the previous year.',
    given: '2025-00-10T00:00:00Z',
    want: undefined,
  },
  {
    name: 'day 00',
    reason: 'Must not roll back into the previous month.',
    given: '2025-09-00T00:00:00Z',
    want: undefined,
  },
  {
    name: 'hour 24',
    reason: 'Hours run to 23.',
    given: '2025-09-15T24:00:00Z',
    want: undefined,
  },
  {
    name: 'minute 60',
    reason: 'Minutes run to 59.',
    given: '2025-09-15T12:60:00Z',
    want: undefined,
  },
  {
    name: 'leap second',
    reason: "Kubernetes (Go's time.Parse) refuses second 60, so no object carries one.",
    given: '2025-06-30T23:59:60Z',
    want: undefined,
  },
  {
    name: 'offset hour 25',
    reason: 'No zone is 25 hours from UTC.',
    given: '2025-09-15T12:52:00+25:00',
    want: undefined,
  },
  {
    name: 'missing zone',
    reason: 'A local time is ambiguous; RFC 3339 requires a zone.',
    given: '2025-09-15T12:52:00',
    want: undefined,
  },
  {
    name: 'offset without a colon',
    reason: 'RFC 3339 spells offsets as hh:mm.',
    given: '2025-09-15T12:52:00+0200',
    want: undefined,
  },
  {
    name: 'date only',
    reason: 'A date is not an instant.',
    given: '2025-09-15',
    want: undefined,
  },
  {
    name: 'space instead of T',
    reason: 'Kubernetes writes a T.',
    given: '2025-09-15 12:52:00Z',
    want: undefined,
  },
  {
    name: 'no seconds',
    reason: 'RFC 3339 requires seconds.',
    given: '2025-09-15T12:52Z',
    want: undefined,
  },
  {
    name: 'surrounding whitespace',
    reason: 'The whole text must be the time.',
    given: ' 2025-09-15T12:52:00Z',
    want: undefined,
  },
  {
    name: 'Unix seconds',
    reason: 'A number is not an RFC 3339 time.',
    given: '1757940720',
    want: undefined,
  },
  {
    name: 'prose',
    reason: 'Garbage is refused, not guessed at.',
    given: 'yesterday',
    want: undefined,
  },
  {
    name: 'empty',
    reason: 'Empty text is no time.',
    given: '',
    want: undefined,
  },
];

describe('parseRfc3339', () => {
  test.each(parses)('$name', ({ reason, given, want }) => {
    expect(parseRfc3339(given), reason).toEqual(want);
  });

  // Date.UTC reads years 0-99 as 1900-1999, and 1900 is no leap year; year 0000 is.
  test('29 February of year 0000 is a valid leap day', () => {
    expect(parseRfc3339('0000-02-29T00:00:00Z')).toEqual(utc(0, 2, 29));
  });
});

interface FormatRow {
  readonly name: string;
  readonly reason: string;
  readonly given: Date;
  readonly want: string;
}

const formats: FormatRow[] = [
  {
    name: 'whole second',
    reason: 'The demo annotations carry no fraction.',
    given: utc(2025, 9, 15, 12, 52),
    want: '2025-09-15T12:52:00Z',
  },
  {
    name: 'milliseconds dropped',
    reason: 'Truncated to the second, never rounded up into the next one.',
    given: utc(2025, 9, 15, 12, 52, 59, 999),
    want: '2025-09-15T12:52:59Z',
  },
  {
    name: 'instant read with an offset',
    reason: 'What this function writes is always UTC.',
    given: new Date('2025-09-16T01:30:00+02:00'),
    want: '2025-09-15T23:30:00Z',
  },
  {
    name: 'the epoch',
    reason: 'Zero is a valid instant.',
    given: new Date(0),
    want: '1970-01-01T00:00:00Z',
  },
];

describe('formatRfc3339', () => {
  test.each(formats)('$name', ({ reason, given, want }) => {
    expect(formatRfc3339(given), reason).toBe(want);
  });
});

interface DurationRow {
  readonly name: string;
  readonly reason: string;
  readonly given: number;
  readonly want: string;
}

const durations: DurationRow[] = [
  { name: 'zero', reason: 'Go writes zero as "0s".', given: 0, want: '0s' },
  { name: 'seconds', reason: 'Under a minute.', given: 59, want: '59s' },
  { name: 'a minute', reason: 'Zero units are left out.', given: 60, want: '1m' },
  { name: 'minutes and seconds', reason: 'The doc comment example.', given: 90, want: '1m30s' },
  { name: 'an hour', reason: 'Zero minutes and seconds left out.', given: 3600, want: '1h' },
  { name: 'every unit', reason: 'Largest unit first.', given: 3661, want: '1h1m1s' },
  { name: 'hours and seconds', reason: 'A zero unit in the middle.', given: 3605, want: '1h5s' },
  { name: 'a day', reason: 'Go has no day unit.', given: 86_400, want: '24h' },
  { name: 'fraction rounded down', reason: 'Whole seconds only.', given: 0.4, want: '0s' },
  { name: 'fraction rounded up', reason: 'Rounds into the next minute.', given: 59.5, want: '1m' },
  { name: 'negative', reason: 'A negative duration reads as none.', given: -5, want: '0s' },
];

describe('formatDuration', () => {
  test.each(durations)('$name', ({ reason, given, want }) => {
    expect(formatDuration(given), reason).toBe(want);
  });
});

interface BetweenRow {
  readonly name: string;
  readonly reason: string;
  readonly given: { readonly earlier: Date; readonly later: Date };
  readonly want: number;
}

const betweens: BetweenRow[] = [
  {
    name: 'minutes apart',
    reason: 'The age of a two-minute-old datapoint.',
    given: { earlier: utc(2025, 9, 15, 12, 52), later: utc(2025, 9, 15, 12, 54) },
    want: 120,
  },
  {
    name: 'later first',
    reason: 'A future timestamp gives a negative age.',
    given: { earlier: utc(2025, 9, 15, 12, 55, 1), later: utc(2025, 9, 15, 12, 54) },
    want: -61,
  },
  {
    name: 'milliseconds',
    reason: 'Fractions of a second are kept.',
    given: { earlier: utc(2025, 9, 15, 12, 54), later: utc(2025, 9, 15, 12, 54, 1, 250) },
    want: 1.25,
  },
  {
    name: 'same instant',
    reason: 'No time has passed.',
    given: { earlier: utc(2025, 9, 15), later: utc(2025, 9, 15) },
    want: 0,
  },
];

describe('secondsBetween', () => {
  test.each(betweens)('$name', ({ reason, given, want }) => {
    expect(secondsBetween(given.earlier, given.later), reason).toBe(want);
  });
});

interface AddRow {
  readonly name: string;
  readonly reason: string;
  readonly given: { readonly instant: Date; readonly seconds: number };
  readonly want: Date;
}

const adds: AddRow[] = [
  {
    name: 'forward',
    reason: 'When the next analysis is due.',
    given: { instant: utc(2025, 9, 15, 12, 52), seconds: 300 },
    want: utc(2025, 9, 15, 12, 57),
  },
  {
    name: 'backward',
    reason: 'A negative count goes back in time.',
    given: { instant: utc(2025, 9, 15, 12, 52), seconds: -90 },
    want: utc(2025, 9, 15, 12, 50, 30),
  },
  {
    name: 'fraction',
    reason: 'Half a second is 500 milliseconds.',
    given: { instant: utc(2025, 9, 15, 12, 52), seconds: 0.5 },
    want: utc(2025, 9, 15, 12, 52, 0, 500),
  },
  {
    name: 'across midnight',
    reason: 'The calendar rolls over.',
    given: { instant: utc(2025, 9, 15, 23, 59, 30), seconds: 45 },
    want: utc(2025, 9, 16, 0, 0, 15),
  },
];

describe('addSeconds', () => {
  test.each(adds)('$name', ({ reason, given, want }) => {
    expect(addSeconds(given.instant, given.seconds), reason).toEqual(want);
  });

  test('does not change the instant it is given', () => {
    const instant = utc(2025, 9, 15, 12, 52);
    addSeconds(instant, 60);
    expect(instant).toEqual(utc(2025, 9, 15, 12, 52));
  });
});
