/**
 * What the bench tells a load generator process and what it reports back, as JSON: the options
 * on its command line, the result as the one line it prints. Both sides check with zod.
 */
import { z } from 'zod';

/** loadOptions is what one load run does. */
export const loadOptions = z.object({
  /** Where the server listens, e.g. "127.0.0.1:40123". */
  address: z.string(),
  /**
   * Files each holding one encoded RunFunctionRequest, sent as is: call i sends file i modulo
   * their number, so a run can speak for many databases at once.
   */
  requestFiles: z.array(z.string()).min(1),
  /** How many calls are in flight at once. */
  concurrency: z.number().int().min(1),
  /** How many calls are measured. */
  requests: z.number().int().min(1),
  /** How many calls are made, at the same concurrency, before measuring starts. */
  warmupRequests: z.number().int().min(0),
  /** How long one call may take, in ms, before it counts as an error. */
  deadlineMs: z.number().int().min(1).default(30_000),
});

/** LoadOptions is what one load run does. */
export type LoadOptions = z.input<typeof loadOptions>;

/** loadResult is what one load run measured. */
export const loadResult = z.object({
  requests: z.number(),
  /** Calls that failed at the gRPC level; a FATAL result is an answer, not an error. */
  errors: z.number(),
  firstError: z.string().optional(),
  /** Wall time of the measured calls, in ms. */
  durationMs: z.number(),
  requestsPerSecond: z.number(),
  /** Latency percentiles and extremes of one call as the client saw it, in ms. */
  p50Ms: z.number(),
  p99Ms: z.number(),
  meanMs: z.number(),
  maxMs: z.number(),
});

/** LoadResult is what one load run measured. */
export type LoadResult = z.infer<typeof loadResult>;
