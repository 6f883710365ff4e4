/** Tests for drainOnSignals: the first signal drains, a second one stops at once. */
import { EventEmitter } from 'node:events';

import { pino } from 'pino';
import { describe, expect, test } from 'vitest';

import type { FunctionServer } from '../../src/server/grpc-server.js';
import { DRAIN_TIMEOUT_MS, drainOnSignals } from '../../src/server/shutdown.js';

/** FakeServer records what drainOnSignals asks of it; its drain ends when the test says. */
class FakeServer implements FunctionServer {
  readonly address = '127.0.0.1:1';
  readonly drains: number[] = [];
  stops = 0;
  private finish: () => void = () => undefined;

  drain(timeoutMs: number): Promise<void> {
    this.drains.push(timeoutMs);
    return new Promise((resolve) => {
      this.finish = resolve;
    });
  }

  stopNow(): void {
    this.stops++;
    this.finish();
  }
}

const silent = pino({ level: 'silent' });

describe('drainOnSignals', () => {
  test.each(['SIGTERM', 'SIGINT'] as const)(
    'drains on %s with the default timeout',
    async (signal) => {
      const server = new FakeServer();
      const signals = new EventEmitter();
      let done = false;
      const drained = drainOnSignals(server, silent, { signals }).then(() => {
        done = true;
      });
      signals.emit(signal, signal);
      await Promise.resolve();
      expect(server.drains).toEqual([DRAIN_TIMEOUT_MS]);
      expect(done).toBe(false);
      server.stopNow();
      await drained;
      expect(done).toBe(true);
    },
  );

  test('stops at once on a second signal', async () => {
    const server = new FakeServer();
    const signals = new EventEmitter();
    const drained = drainOnSignals(server, silent, { signals, drainTimeoutMs: 5 });
    signals.emit('SIGTERM', 'SIGTERM');
    signals.emit('SIGINT', 'SIGINT');
    await drained;
    expect(server.drains).toEqual([5]);
    expect(server.stops).toBe(1);
  });

  test('does nothing until a signal arrives', async () => {
    const server = new FakeServer();
    void drainOnSignals(server, silent, { signals: new EventEmitter() });
    await Promise.resolve();
    expect(server.drains).toEqual([]);
  });
});
