/**
 * The scaling state kept in `intelligent-scaling/*` annotations: reading it (absent, cleared,
 * full, and each malformed annotation with its exact problem), writing every key, and a round
 * trip that loses nothing.
 */
import { describe, expect, test } from 'vitest';

import { EMPTY_STATE, readState, writeState } from '../../src/scaling/state.js';
import type { ScalingState, StateReading } from '../../src/scaling/state.js';

const at = (text: string): Date => new Date(text);

/** Every annotation this function owns, cleared as writeState clears them. */
const cleared: Record<string, string> = {
  'intelligent-scaling/last-analyzed': '',
  'intelligent-scaling/last-scaled': '',
  'intelligent-scaling/last-scaled-decision': '',
  'intelligent-scaling/last-verdict': '',
  'intelligent-scaling/last-triggers': '',
  'intelligent-scaling/quiet-since': '',
  'intelligent-scaling/quiet-load': '',
  'intelligent-scaling/instance-class': '',
  'intelligent-scaling/base-class': '',
  'intelligent-scaling/recommended-class': '',
  'intelligent-scaling/decided-by': '',
  'intelligent-scaling/advice-for': '',
  'intelligent-scaling/advice': '',
  'intelligent-scaling/advised-at': '',
  'intelligent-scaling/advice-count': '',
  'intelligent-scaling/advice-triggers': '',
  'intelligent-scaling/resize-completed-at': '',
};

const fullAnnotations: Record<string, string> = {
  'intelligent-scaling/last-analyzed': '2025-09-15T12:54:00Z',
  'intelligent-scaling/last-scaled': '2025-09-15T12:20:00Z',
  'intelligent-scaling/last-scaled-decision': 'Scale up: CPU 96.2% > 85%.',
  'intelligent-scaling/last-verdict': 'ScaleUp',
  'intelligent-scaling/last-triggers': 'cpu,connections',
  'intelligent-scaling/quiet-since': '2025-09-15T11:00:00Z',
  'intelligent-scaling/quiet-load': 'cpu=3.1,free=1503238553,connections=20',
  'intelligent-scaling/instance-class': 'db.t3.small',
  'intelligent-scaling/base-class': 'db.t3.micro',
  'intelligent-scaling/recommended-class': 'db.t3.medium',
  'intelligent-scaling/decided-by': 'claude/claude-haiku-4-5',
  'intelligent-scaling/advice-for': 'ScaleUp db.t3.small by claude/claude-haiku-4-5',
  'intelligent-scaling/advice': 'NoChange',
  'intelligent-scaling/advised-at': '2025-09-15T12:50:00Z',
  'intelligent-scaling/advice-count': '2',
  'intelligent-scaling/advice-triggers': 'cpu',
  'intelligent-scaling/resize-completed-at': '',
};

const fullState: ScalingState = {
  lastAnalyzed: at('2025-09-15T12:54:00Z'),
  lastScaled: at('2025-09-15T12:20:00Z'),
  lastDecision: 'Scale up: CPU 96.2% > 85%.',
  lastVerdict: 'ScaleUp',
  lastTriggers: ['cpu', 'connections'],
  quietSince: at('2025-09-15T11:00:00Z'),
  quietLoad: { cpuPercent: 3.1, freeableMemoryBytes: 1503238553, connections: 20 },
  instanceClass: 'db.t3.small',
  baseClass: 'db.t3.micro',
  recommendedClass: 'db.t3.medium',
  decidedBy: 'claude/claude-haiku-4-5',
  advice: {
    question: 'ScaleUp db.t3.small',
    answer: 'NoChange',
    at: at('2025-09-15T12:50:00Z'),
    count: 2,
    by: 'claude/claude-haiku-4-5',
    triggers: ['cpu'],
  },
};

interface ReadRow {
  readonly name: string;
  readonly reason: string;
  readonly given: Record<string, string> | undefined;
  readonly want: StateReading;
}

const reads: ReadRow[] = [
  {
    name: 'no annotations at all',
    reason: 'A resource without metadata.annotations has never been analysed.',
    given: undefined,
    want: { ok: true, state: { lastTriggers: [] } },
  },
  {
    name: 'empty annotations',
    reason: 'Nothing written yet.',
    given: {},
    want: { ok: true, state: { lastTriggers: [] } },
  },
  {
    name: 'only annotations of others',
    reason: 'Keys this function does not own are ignored.',
    given: { 'kubectl.kubernetes.io/last-applied-configuration': '{}', team: 'data' },
    want: { ok: true, state: { lastTriggers: [] } },
  },
  {
    name: 'every annotation',
    reason: 'Each key lands in its field.',
    given: fullAnnotations,
    want: { ok: true, state: fullState },
  },
  {
    name: 'the demo annotations',
    reason: 'The talk wrote these three; the function reads state the demo left behind.',
    given: {
      'intelligent-scaling/last-analyzed': '2025-09-18T12:19:00Z',
      'intelligent-scaling/last-scaled': '2025-09-17T23:59:59Z',
      'intelligent-scaling/last-scaled-decision':
        'No scaling needed. Very low resource utilization (CPU 2.09%, 0 connections) and already at smallest instance class (db.t3.micro).',
    },
    want: {
      ok: true,
      state: {
        lastAnalyzed: at('2025-09-18T12:19:00Z'),
        lastScaled: at('2025-09-17T23:59:59Z'),
        lastDecision:
          'No scaling needed. Very low resource utilization (CPU 2.09%, 0 connections) and already at smallest instance class (db.t3.micro).',
        lastTriggers: [],
      },
    },
  },
  {
    name: 'every annotation cleared',
    reason: 'An empty value is how writeState clears a key; it means absent.',
    given: cleared,
    want: { ok: true, state: { lastTriggers: [] } },
  },
  {
    name: 'some annotations cleared',
    reason: 'A cleared key is absent while its neighbours are read.',
    given: {
      ...cleared,
      'intelligent-scaling/last-analyzed': '2025-09-15T12:54:00Z',
      'intelligent-scaling/last-verdict': 'NoChange',
    },
    want: {
      ok: true,
      state: {
        lastAnalyzed: at('2025-09-15T12:54:00Z'),
        lastVerdict: 'NoChange',
        lastTriggers: [],
      },
    },
  },
  {
    name: 'time with an offset',
    reason: 'Someone resetting state with kubectl may write local time.',
    given: { 'intelligent-scaling/last-scaled': '2025-09-15T14:20:00+02:00' },
    want: { ok: true, state: { lastScaled: at('2025-09-15T12:20:00Z'), lastTriggers: [] } },
  },
  {
    name: 'one trigger',
    reason: 'A list of one has no comma.',
    given: { 'intelligent-scaling/last-triggers': 'memory' },
    want: { ok: true, state: { lastTriggers: ['memory'] } },
  },
  {
    name: 'unparseable last-analyzed',
    reason: 'State that cannot be read is reported, never guessed at.',
    given: { 'intelligent-scaling/last-analyzed': 'yesterday' },
    want: {
      ok: false,
      problem: 'annotation intelligent-scaling/last-analyzed: "yesterday" is not an RFC 3339 time',
    },
  },
  {
    name: 'impossible last-scaled',
    reason: '30 February is not a time.',
    given: { 'intelligent-scaling/last-scaled': '2025-02-30T12:00:00Z' },
    want: {
      ok: false,
      problem:
        'annotation intelligent-scaling/last-scaled: "2025-02-30T12:00:00Z" is not an RFC 3339 time',
    },
  },
  {
    name: 'quiet-since without a zone',
    reason: 'A local time is ambiguous.',
    given: { 'intelligent-scaling/quiet-since': '2025-09-15T12:00:00' },
    want: {
      ok: false,
      problem:
        'annotation intelligent-scaling/quiet-since: "2025-09-15T12:00:00" is not an RFC 3339 time',
    },
  },
  {
    name: 'unknown verdict',
    reason: 'Verdicts are case-sensitive names.',
    given: { 'intelligent-scaling/last-verdict': 'scaleup' },
    want: {
      ok: false,
      problem:
        'annotation intelligent-scaling/last-verdict: "scaleup" is not one of ScaleUp, ScaleDown, NoChange',
    },
  },
  {
    name: 'unknown trigger',
    reason: 'Only the three signals are triggers.',
    given: { 'intelligent-scaling/last-triggers': 'cpu,disk' },
    want: {
      ok: false,
      problem:
        'annotation intelligent-scaling/last-triggers: "cpu,disk" is not a list of cpu, memory, connections',
    },
  },
  {
    name: 'triggers with a space',
    reason: 'The list is written without spaces; " memory" is not a signal.',
    given: { 'intelligent-scaling/last-triggers': 'cpu, memory' },
    want: {
      ok: false,
      problem:
        'annotation intelligent-scaling/last-triggers: "cpu, memory" is not a list of cpu, memory, connections',
    },
  },
  {
    name: 'triggers with a trailing comma',
    reason: 'An empty entry is not a signal.',
    given: { 'intelligent-scaling/last-triggers': 'cpu,' },
    want: {
      ok: false,
      problem:
        'annotation intelligent-scaling/last-triggers: "cpu," is not a list of cpu, memory, connections',
    },
  },
  {
    name: 'several malformed annotations',
    reason: 'The first problem is reported: times before the verdict.',
    given: {
      'intelligent-scaling/last-verdict': 'Maybe',
      'intelligent-scaling/quiet-since': 'soon',
      'intelligent-scaling/last-triggers': 'disk',
    },
    want: {
      ok: false,
      problem: 'annotation intelligent-scaling/quiet-since: "soon" is not an RFC 3339 time',
    },
  },
];

describe('readState', () => {
  test.each(reads)('$name', ({ reason, given, want }) => {
    expect(readState(given), reason).toStrictEqual(want);
  });
});

interface WriteRow {
  readonly name: string;
  readonly reason: string;
  /** mode is writeState's second argument; absent means its default. */
  readonly given: { readonly state: ScalingState; readonly mode?: 'composition' | 'operation' };
  readonly want: Record<string, string>;
}

/** withoutCompositionKeys drops the keys only a composition writes. */
function withoutCompositionKeys(annotations: Record<string, string>): Record<string, string> {
  const {
    'intelligent-scaling/instance-class': _instanceClass,
    'intelligent-scaling/base-class': _baseClass,
    ...rest
  } = annotations;
  return rest;
}

const writes: WriteRow[] = [
  {
    name: 'empty state',
    reason: 'Every key is written, cleared, so an earlier value of another manager is removed.',
    given: { state: EMPTY_STATE },
    want: cleared,
  },
  {
    name: 'full state',
    reason: 'Times in UTC to the second, triggers comma-separated.',
    given: { state: fullState },
    want: fullAnnotations,
  },
  {
    name: 'full state in a composition',
    reason: 'The default mode is the composition.',
    given: { state: fullState, mode: 'composition' },
    want: fullAnnotations,
  },
  {
    name: 'sub-second times',
    reason: 'Milliseconds are dropped, as in the demo annotations.',
    given: {
      state: {
        lastAnalyzed: at('2025-09-15T12:54:00.750Z'),
        lastVerdict: 'NoChange',
        lastTriggers: [],
      },
    },
    want: {
      ...cleared,
      'intelligent-scaling/last-analyzed': '2025-09-15T12:54:00Z',
      'intelligent-scaling/last-verdict': 'NoChange',
    },
  },
  {
    name: 'full state in an Operation',
    reason:
      'An Operation changes the spec itself, so it never writes instance-class or base-class.',
    given: { state: fullState, mode: 'operation' },
    want: withoutCompositionKeys(fullAnnotations),
  },
  {
    name: 'empty state in an Operation',
    reason: 'The keys an Operation owns are still all written, cleared.',
    given: { state: EMPTY_STATE, mode: 'operation' },
    want: withoutCompositionKeys(cleared),
  },
];

describe('writeState', () => {
  test.each(writes)('$name', ({ reason, given, want }) => {
    expect(writeState(given.state, given.mode), reason).toStrictEqual(want);
  });
});

interface RoundTripRow {
  readonly name: string;
  readonly reason: string;
  readonly given: ScalingState;
}

const roundTrips: RoundTripRow[] = [
  { name: 'empty state', reason: 'Cleared keys read back as absent.', given: EMPTY_STATE },
  { name: 'full state', reason: 'Every field survives.', given: fullState },
  {
    name: 'a scale-down in recommend-only mode',
    reason: 'Some fields set, the rest cleared.',
    given: {
      lastAnalyzed: at('2025-09-15T12:54:00Z'),
      lastVerdict: 'ScaleDown',
      lastDecision: 'Quiet for 15m.',
      lastTriggers: [],
      quietSince: at('2025-09-15T12:30:00Z'),
      recommendedClass: 'db.t3.micro',
      decidedBy: 'rules',
    },
  },
  {
    name: 'every trigger',
    reason: 'The list keeps its order.',
    given: { lastTriggers: ['connections', 'memory', 'cpu'] },
  },
];

describe('readState(writeState(state))', () => {
  test.each(roundTrips)('$name', ({ reason, given }) => {
    expect(readState(writeState(given)), reason).toStrictEqual({ ok: true, state: given });
  });
});
