/** Clock tells the time; tests inject a fixed one so every response is reproducible. */
export interface Clock {
  /** now returns the current time. */
  now(): Date;
}

/** systemClock reads the machine's clock. */
export const systemClock: Clock = { now: () => new Date() };
