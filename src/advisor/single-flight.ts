/** Single flight: concurrent callers with the same key share one call and its result. */

/** SingleFlight runs one call per key at a time. */
export interface SingleFlight<T> {
  /** run starts `call` unless one with this key is running, and resolves with its result. */
  run(key: string, call: () => Promise<T>): Promise<T>;
}

/** newSingleFlight returns an empty SingleFlight. */
export function newSingleFlight<T>(): SingleFlight<T> {
  const running = new Map<string, Promise<T>>();
  return {
    run: (key, call) => {
      const existing = running.get(key);
      if (existing !== undefined) return existing;
      const started = call().finally(() => running.delete(key));
      running.set(key, started);
      return started;
    },
  };
}
