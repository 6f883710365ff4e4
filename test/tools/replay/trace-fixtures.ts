/** Small traces for the replay's tests, written as their files would be. */
import { parseTrace } from '../../../tools/replay/trace.js';
import type { Trace } from '../../../tools/replay/trace.js';

/** traceFrom parses YAML text as a trace and throws when it is not one. */
export function traceFrom(text: string, name = 'test'): Trace {
  const reading = parseTrace(text, name);
  if (!reading.ok) throw new Error(reading.message);
  return reading.trace;
}

/**
 * MEMORY_STEP is 30 minutes on a db.t3.small with about half its memory free until minute 10,
 * then 1.9 GiB of its 2 GiB in use: a memory trigger that a db.t3.medium relieves.
 */
export const MEMORY_STEP = `
name: memory-step
start: '2025-09-15T12:00:00Z'
duration: 30m
engine: mariadb
startClass: db.t3.small
demand:
  cpu:
    points: [{ at: 0, value: 0.5 }]
  memory:
    points:
      - { at: 0, value: 1Gi }
      - { at: 10m, value: 1Gi }
      - { at: 11m, value: 1.9Gi }
  connections:
    points: [{ at: 0, value: 20 }]
`;

/** QUIET is 30 minutes of a database that fits its db.t3.small and never changes. */
export const QUIET = `
name: quiet
start: '2025-09-15T12:00:00Z'
duration: 30m
engine: mariadb
startClass: db.t3.small
demand:
  cpu:
    points: [{ at: 0, value: 0.5 }]
  memory:
    points: [{ at: 0, value: 1Gi }]
  connections:
    points: [{ at: 0, value: 20 }]
`;
