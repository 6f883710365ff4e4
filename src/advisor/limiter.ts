/** A counting semaphore that gives up when the caller's deadline passes. */

/** Limiter caps how many callers hold a slot at once. */
export interface Limiter {
  /** acquire waits for a slot; it resolves to a release function, or undefined if aborted first. */
  acquire(signal: AbortSignal): Promise<(() => void) | undefined>;
  /** inUse is how many slots are held now. */
  inUse(): number;
}

/** newLimiter returns a Limiter with `slots` slots, handed out first come, first served. */
export function newLimiter(slots: number): Limiter {
  let held = 0;
  const waiting: Array<() => void> = [];
  const release = (): void => {
    const next = waiting.shift();
    if (next === undefined) held -= 1;
    else next();
  };
  const once = (): (() => void) => {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      release();
    };
  };
  return {
    inUse: () => held,
    acquire: (signal) => {
      if (signal.aborted) return Promise.resolve(undefined);
      if (held < slots) {
        held += 1;
        return Promise.resolve(once());
      }
      return new Promise((resolve) => {
        const grant = (): void => {
          signal.removeEventListener('abort', abort);
          resolve(once());
        };
        const abort = (): void => {
          const index = waiting.indexOf(grant);
          if (index >= 0) waiting.splice(index, 1);
          resolve(undefined);
        };
        waiting.push(grant);
        signal.addEventListener('abort', abort, { once: true });
      });
    },
  };
}
