/** The per-process cap on model calls, and single flight for concurrent identical questions. */
import { describe, expect, test } from 'vitest';

import { newLimiter } from '../../src/advisor/limiter.js';
import { newSingleFlight } from '../../src/advisor/single-flight.js';

describe('newLimiter', () => {
  test('hands out at most its slots, then first come first served', async () => {
    const limiter = newLimiter(2);
    const signal = new AbortController().signal;
    const first = await limiter.acquire(signal);
    const second = await limiter.acquire(signal);
    const order: string[] = [];
    const third = limiter.acquire(signal).then((release) => {
      order.push('third');
      return release;
    });
    const fourth = limiter.acquire(signal).then((release) => {
      order.push('fourth');
      return release;
    });
    expect(limiter.inUse()).toBe(2);
    first?.();
    first?.();
    (await third)?.();
    second?.();
    (await fourth)?.();
    expect(order).toEqual(['third', 'fourth']);
    expect(limiter.inUse()).toBe(0);
  });

  test('gives up when the deadline passes while waiting', async () => {
    const limiter = newLimiter(1);
    const held = await limiter.acquire(new AbortController().signal);
    const deadline = new AbortController();
    const waiting = limiter.acquire(deadline.signal);
    deadline.abort();
    expect(await waiting).toBeUndefined();
    held?.();
    expect(limiter.inUse()).toBe(0);
    expect(await limiter.acquire(deadline.signal)).toBeUndefined();
  });
});

describe('newSingleFlight', () => {
  test('concurrent calls with one key share one call; later calls start a new one', async () => {
    const flights = newSingleFlight<number>();
    let calls = 0;
    let finish: (value: number) => void = () => undefined;
    const call = () => {
      calls += 1;
      return new Promise<number>((resolve) => (finish = resolve));
    };
    const a = flights.run('db', call);
    const b = flights.run('db', call);
    const other = flights.run('other', () => Promise.resolve(7));
    finish(42);
    expect(await Promise.all([a, b, other])).toEqual([42, 42, 7]);
    expect(calls).toBe(1);
    const again = flights.run('db', call);
    finish(43);
    expect(await again).toBe(43);
    expect(calls).toBe(2);
  });
});
