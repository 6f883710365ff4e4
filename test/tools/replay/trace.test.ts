/**
 * The trace loader: quantities and durations, defaults, every shipped trace, and a bad trace
 * file, which must give one line that names the file and the field.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, test } from 'vitest';

import { loadTrace, parseQuantity, parseTrace } from '../../../tools/replay/trace.js';
import type { Trace } from '../../../tools/replay/trace.js';
import { QUIET } from './trace-fixtures.js';

const GiB = 1024 ** 3;

describe('parseQuantity', () => {
  test.each([
    { name: 'a plain number', given: 1.5, want: 1.5 },
    { name: 'a number as text', given: '42', want: 42 },
    { name: 'binary suffix', given: '1.5Gi', want: 1.5 * GiB },
    { name: 'mebibytes', given: '512Mi', want: 512 * 1024 ** 2 },
    { name: 'decimal suffix', given: '2k', want: 2000 },
    { name: 'millis, as Kubernetes writes CPU', given: '500m', want: 0.5 },
    { name: 'negative numbers are no demand', given: -1, want: undefined },
    { name: 'an unknown suffix', given: '3Xi', want: undefined },
    { name: 'text', given: 'lots', want: undefined },
  ])('$name', ({ given, want }) => {
    expect(parseQuantity(given)).toBe(want);
  });
});

describe('parseTrace', () => {
  test('reads a trace with its defaults filled', () => {
    const reading = parseTrace(QUIET, 'fallback');
    const want: Trace = {
      name: 'quiet',
      description: '',
      start: new Date('2025-09-15T12:00:00Z'),
      durationSeconds: 1800,
      stepSeconds: 60,
      engine: 'mariadb',
      startClass: 'db.t3.small',
      storageGB: 20,
      seed: 1,
      spec: {},
      demand: {
        cpu: { points: [{ atSeconds: 0, value: 0.5 }], noise: 0 },
        memory: { points: [{ atSeconds: 0, value: GiB }], noise: 0 },
        connections: { points: [{ atSeconds: 0, value: 20 }], noise: 0 },
      },
    };
    expect(reading).toEqual({ ok: true, trace: want });
  });

  interface Row {
    readonly name: string;
    readonly reason: string;
    /** A change to the QUIET trace's text. */
    readonly given: (text: string) => string;
    readonly want: string;
  }

  test.each<Row>([
    {
      name: 'not YAML',
      reason: 'a broken file says so, on one line',
      given: () => 'start: [',
      want: 'not YAML: ',
    },
    {
      name: 'a missing field',
      reason: 'start class is required',
      given: (t) => t.replace('startClass: db.t3.small\n', ''),
      want: 'startClass: is required',
    },
    {
      name: 'an unknown class',
      reason: 'only classes the function knows can be replayed',
      given: (t) => t.replace('db.t3.small', 'db.t3.enormous'),
      want: 'startClass: unknown instance class "db.t3.enormous"',
    },
    {
      name: 'a bad duration',
      reason: 'durations are Go durations',
      given: (t) => t.replace('duration: 30m', 'duration: half an hour'),
      want: 'duration: "half an hour" is not a duration such as "90s", "5m" or "13h30m"',
    },
    {
      name: 'a bad quantity',
      reason: 'memory is bytes or a quantity',
      given: (t) => t.replace('value: 1Gi', 'value: 1GB'),
      want: 'demand.memory.points[0].value: "1GB" is not a non-negative number or quantity such as "1.5Gi"',
    },
    {
      name: 'points out of order',
      reason: 'segments run forward in time',
      given: (t) =>
        t.replace(
          'points: [{ at: 0, value: 0.5 }]',
          'points: [{ at: 5m, value: 1 }, { at: 1m, value: 2 }]',
        ),
      want: 'demand.cpu.points[1].at: must come after the previous point',
    },
    {
      name: 'an unknown signal',
      reason: 'a typo must not be ignored',
      given: (t) => t.replace('  connections:', '  conections:'),
      want: 'demand.connections: is required; demand.conections: unknown field',
    },
    {
      name: 'a step under a minute',
      reason: 'a CronOperation runs at most once a minute',
      given: (t) => t.replace('duration: 30m', 'duration: 30m\nstep: 30s'),
      want: 'step: a CronOperation runs at most once a minute: want a whole number of minutes',
    },
    {
      name: 'a bad spec',
      reason: 'the spec is checked as the function checks its input',
      given: (t) => `${t}spec:\n  ladder: [db.t3.small, db.t3.huge]\n`,
      want: 'spec.ladder[1]: unknown instance class "db.t3.huge"',
    },
    {
      name: 'a start class off the ladder',
      reason: 'a database the function may not move replays nothing',
      given: (t) => `${t}spec:\n  ladder: [db.m6g.large, db.m6g.xlarge]\n`,
      want: 'startClass: "db.t3.small" is not on the ladder the function may use (db.m6g.large, db.m6g.xlarge)',
    },
  ])('refuses $name: $reason', ({ given, want }) => {
    const reading = parseTrace(given(QUIET), 'quiet');
    expect(reading.ok).toBe(false);
    const message = reading.ok ? '' : reading.message;
    expect(message.startsWith(want)).toBe(true);
    expect(message).not.toContain('\n');
  });
});

describe('loadTrace', () => {
  test('names the file in its one line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'replay-trace-'));
    const file = join(dir, 'bad.yaml');
    await writeFile(file, QUIET.replace('engine: mariadb', 'engine: oracle'));
    expect(await loadTrace(file)).toEqual({
      ok: false,
      message: `cannot load trace "${file}": engine: expected one of "postgres", "mysql", "mariadb", got "oracle"`,
    });
  });

  test('says when the file is missing', async () => {
    expect(await loadTrace('examples/traces/no-such.yaml')).toEqual({
      ok: false,
      message: 'cannot load trace "examples/traces/no-such.yaml": ENOENT',
    });
  });

  test.each(['quiet-day', 'daily-cycle', 'spike', 'cpu-noise', 'memory-leak'])(
    'loads the shipped trace %s, a day a minute at a time',
    async (name) => {
      const reading = await loadTrace(`examples/traces/${name}.yaml`);
      const trace = reading.ok ? reading.trace : undefined;
      expect(reading.ok ? '' : reading.message).toBe('');
      expect({ name: trace?.name, day: trace?.durationSeconds, step: trace?.stepSeconds }).toEqual({
        name,
        day: 86_400,
        step: 60,
      });
    },
  );
});
