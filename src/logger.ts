/**
 * The process logger: one pino instance, JSON lines on stdout, built in main and passed down.
 */
import { pino } from 'pino';
import type { DestinationStream, Logger } from 'pino';

/** REDACTED_PATHS are the log fields that can carry a secret; pino replaces their values. */
export const REDACTED_PATHS: readonly string[] = [
  'credentials',
  '*.credentials',
  'apiKey',
  '*.apiKey',
  'authorization',
  'headers.authorization',
  'headers["x-api-key"]',
  '*.headers.authorization',
  '*.headers["x-api-key"]',
  'req.credentials',
  'request.credentials',
];

/** LoggerOptions choose the level and, in tests, where lines go. */
export interface LoggerOptions {
  /** Log at debug rather than info; default false. */
  readonly debug: boolean;
  /**
   * Where JSON lines go; default stdout, written asynchronously: lines logged while a write is
   * in flight go out together in the next, and pino writes what is left synchronously on exit.
   */
  readonly destination?: DestinationStream;
}

/** newLogger builds the process logger. */
export function newLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.debug ? 'debug' : 'info',
      redact: { paths: [...REDACTED_PATHS], censor: '[REDACTED]' },
      // Labels rather than numbers, so operators can grep for "level":"error".
      formatters: { level: (label) => ({ level: label }) },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
