/** Tests for newLatencyMemory: the median of each model's latest answer times. */
import { describe, expect, test } from 'vitest';

import { LATENCY_SAMPLES, newLatencyMemory } from '../../src/advisor/latency.js';

describe('newLatencyMemory', () => {
  test('knows nothing of a model before its first answer', () => {
    const memory = newLatencyMemory();
    memory.record('claude-sonnet-4-5', 900);
    expect(memory.usualMs('claude-haiku-4-5')).toBeUndefined();
  });

  test('is the median, so one slow answer does not move it', () => {
    const memory = newLatencyMemory();
    for (const ms of [800, 900, 19_000]) memory.record('claude-haiku-4-5', ms);
    expect(memory.usualMs('claude-haiku-4-5')).toBe(900);
    memory.record('claude-haiku-4-5', 1_000);
    expect(memory.usualMs('claude-haiku-4-5')).toBe(950);
  });

  test('keeps only the latest answers, so it follows a model that got slower', () => {
    const memory = newLatencyMemory();
    for (let i = 0; i < LATENCY_SAMPLES; i++) memory.record('claude-haiku-4-5', 500);
    for (let i = 0; i < LATENCY_SAMPLES / 2 + 1; i++) memory.record('claude-haiku-4-5', 3_000);
    expect(memory.usualMs('claude-haiku-4-5')).toBe(3_000);
  });
});
