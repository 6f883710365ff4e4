/** Times as Kubernetes writes them: RFC 3339, UTC in what this function writes. */

const rfc3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-](\d{2}):(\d{2}))$/;

/** parseRfc3339 returns the instant, or undefined unless `text` is a valid RFC 3339 time. */
export function parseRfc3339(text: string): Date | undefined {
  const match = rfc3339.exec(text);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second] = match.map(Number);
  if (year === undefined || month === undefined || day === undefined) return undefined;
  // Dates roll 30 February over into March; a round trip catches impossible dates.
  // setUTCFullYear, unlike Date.UTC, does not read years 0-99 as 1900-1999.
  const calendar = new Date(0);
  calendar.setUTCFullYear(year, month - 1, day);
  const validDate = calendar.getUTCMonth() === month - 1 && calendar.getUTCDate() === day;
  // Like Kubernetes, no leap second: 60 is not a valid second.
  if (!validDate || (hour ?? 0) > 23 || (minute ?? 0) > 59 || (second ?? 0) > 59) return undefined;
  const millis = Date.parse(text.replace(/(\.\d{3})\d+/, '$1'));
  return Number.isNaN(millis) ? undefined : new Date(millis);
}

/** formatRfc3339 writes the instant in UTC to the second, as the demo's annotations do. */
export function formatRfc3339(instant: Date): string {
  return instant.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** secondsBetween returns `later - earlier` in seconds. */
export function secondsBetween(earlier: Date, later: Date): number {
  return (later.getTime() - earlier.getTime()) / 1000;
}

/** addSeconds returns the instant `seconds` after `instant`. */
export function addSeconds(instant: Date, seconds: number): Date {
  return new Date(instant.getTime() + seconds * 1000);
}

/** formatDuration writes a duration in seconds the way the input spells them: 90 -> "1m30s". */
export function formatDuration(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  const parts = [h > 0 ? `${h}h` : '', m > 0 ? `${m}m` : '', s > 0 ? `${s}s` : ''].join('');
  return parts === '' ? '0s' : parts;
}
