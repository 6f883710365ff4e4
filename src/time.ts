/** Times as Kubernetes writes them: RFC 3339, UTC in what this function writes. */

const rfc3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

/** parseRfc3339 returns the instant, or undefined unless `text` is a valid RFC 3339 time. */
export function parseRfc3339(text: string): Date | undefined {
  const match = rfc3339.exec(text);
  if (match === null) return undefined;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  const hour = Number(match[4]);
  const minute = Number(match[5]);
  const second = Number(match[6]);
  const offsetHours = Number(match[9] ?? 0);
  const offsetMinutes = Number(match[10] ?? 0);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  // Like Kubernetes, no leap second: 60 is not a valid second.
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  if (offsetHours > 23 || offsetMinutes > 59) return undefined;
  // Digits past the millisecond are cut, not rounded, as Date.parse would.
  const fraction = match[7];
  const millis = fraction === undefined ? 0 : Number(fraction.slice(0, 3).padEnd(3, '0'));
  let ms = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  // Date.UTC reads years 0-99 as 1900-1999.
  if (year < 100) ms = new Date(ms).setUTCFullYear(year, month - 1, day);
  const offsetMs = (offsetHours * 60 + offsetMinutes) * 60_000;
  return new Date(match[8] === '+' ? ms - offsetMs : ms + offsetMs);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
    return leap ? 29 : 28;
  }
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** formatRfc3339 writes the instant in UTC to the second, as the demo's annotations do. */
export function formatRfc3339(instant: Date): string {
  // One call writes the same few instants (now, above all) several times over.
  const ms = instant.getTime();
  if (ms === lastFormatted.ms) return lastFormatted.text;
  // toISOString always ends in ".sssZ", whatever the year.
  const text = `${instant.toISOString().slice(0, -5)}Z`;
  lastFormatted = { ms, text };
  return text;
}

let lastFormatted = { ms: Number.NaN, text: '' };

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
