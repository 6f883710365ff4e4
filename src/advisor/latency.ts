/**
 * How long the model usually takes to answer, per model: the median of its last answers' times.
 * A call slot that comes free shortly before a caller's deadline is worth less than nothing to
 * that caller: a call started then is abandoned unanswered at the deadline, and may be billed.
 */

/** LATENCY_SAMPLES is how many of a model's latest answer times the median is taken over. */
export const LATENCY_SAMPLES = 16;

/** LatencyMemory remembers how long each model's recent answers took. */
export interface LatencyMemory {
  /** record notes that a call to model was answered after durationMs. */
  record(model: string, durationMs: number): void;
  /** usualMs is the median of the model's recent answer times; undefined before its first. */
  usualMs(model: string): number | undefined;
}

/** newLatencyMemory returns an empty LatencyMemory. */
export function newLatencyMemory(): LatencyMemory {
  const samples = new Map<string, number[]>();
  return {
    record: (model, durationMs) => {
      const kept = samples.get(model) ?? [];
      kept.push(durationMs);
      if (kept.length > LATENCY_SAMPLES) kept.shift();
      samples.set(model, kept);
    },
    usualMs: (model) => {
      const kept = samples.get(model);
      if (kept === undefined || kept.length === 0) return undefined;
      const sorted = [...kept].sort((a, b) => a - b);
      const mid = Math.floor(sorted.length / 2);
      return sorted.length % 2 === 1
        ? sorted[mid]
        : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
    },
  };
}
