/**
 * Durations as Kubernetes and Crossplane write them ("30s", "5m", "1h30m", "1.5h"), read the way
 * Go's time.ParseDuration reads them, so a value means the same here as in any other field.
 */

/**
 * DURATION_PATTERN matches a non-negative Go duration: "0", or numbers with units ns, us, µs,
 * ms, s, m or h. The input CRD carries the same pattern.
 */
export const DURATION_PATTERN = /^(0|(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+)$/;

const component = /([0-9]*)(?:\.([0-9]*))?(ns|us|µs|μs|ms|s|m|h)/g;

const nanosPerUnit: ReadonlyMap<string, bigint> = new Map([
  ['ns', 1n],
  ['us', 1_000n],
  ['µs', 1_000n],
  ['μs', 1_000n],
  ['ms', 1_000_000n],
  ['s', 1_000_000_000n],
  ['m', 60_000_000_000n],
  ['h', 3_600_000_000_000n],
]);

// Go rejects a duration that does not fit in int64 nanoseconds (about 292 years).
const maxNanos = 2n ** 63n - 1n;

/**
 * parseDurationSeconds returns a non-negative duration in seconds, or undefined when the text
 * does not match DURATION_PATTERN or is longer than Go allows. Nanoseconds are summed as
 * integers, as Go does, so "1.1h" is exactly 3960 seconds.
 */
export function parseDurationSeconds(text: string): number | undefined {
  if (!DURATION_PATTERN.test(text)) return undefined;
  let nanos = 0n;
  for (const [, whole = '', fraction = '', unit = ''] of text.matchAll(component)) {
    const perUnit = nanosPerUnit.get(unit) ?? 0n;
    nanos += BigInt(whole || '0') * perUnit;
    nanos += (BigInt(fraction || '0') * perUnit) / 10n ** BigInt(fraction.length);
  }
  if (nanos > maxNanos) return undefined;
  return Number(nanos) / 1e9;
}

/** isNegativeDuration tells a negative duration ("-5m") from text that is no duration at all. */
export function isNegativeDuration(text: string): boolean {
  return text.startsWith('-') && DURATION_PATTERN.test(text.slice(1));
}
