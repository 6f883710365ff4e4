/**
 * The scaling state of one database. The function is stateless: everything it must remember
 * between calls lives in `intelligent-scaling/*` annotations, where an operator can read it
 * and reset it with kubectl.
 */
import { formatRfc3339, parseRfc3339 } from '../time.js';
import type { Load } from './utilisation.js';

/** Verdict is what an analysis concluded. */
export type Verdict = 'ScaleUp' | 'ScaleDown' | 'NoChange';

/** VERDICTS lists every verdict. */
export const VERDICTS: readonly Verdict[] = ['ScaleUp', 'ScaleDown', 'NoChange'];

/** Signal names a utilisation figure a threshold applies to. */
export type Signal = 'cpu' | 'memory' | 'connections';

/** SIGNALS lists every signal in the order reasons name them. */
export const SIGNALS: readonly Signal[] = ['cpu', 'memory', 'connections'];

/** ANNOTATIONS are the annotation keys this function owns. */
export const ANNOTATIONS = {
  lastAnalyzed: 'intelligent-scaling/last-analyzed',
  lastScaled: 'intelligent-scaling/last-scaled',
  lastDecision: 'intelligent-scaling/last-scaled-decision',
  lastVerdict: 'intelligent-scaling/last-verdict',
  lastTriggers: 'intelligent-scaling/last-triggers',
  quietSince: 'intelligent-scaling/quiet-since',
  quietLoad: 'intelligent-scaling/quiet-load',
  instanceClass: 'intelligent-scaling/instance-class',
  baseClass: 'intelligent-scaling/base-class',
  recommendedClass: 'intelligent-scaling/recommended-class',
  decidedBy: 'intelligent-scaling/decided-by',
  adviceFor: 'intelligent-scaling/advice-for',
  advice: 'intelligent-scaling/advice',
  advisedAt: 'intelligent-scaling/advised-at',
  adviceCount: 'intelligent-scaling/advice-count',
  adviceTriggers: 'intelligent-scaling/advice-triggers',
  resizeCompleted: 'intelligent-scaling/resize-completed-at',
} as const;

/** ScalingState is what the annotations remember. */
export interface ScalingState {
  /** When the last analysis ran. */
  readonly lastAnalyzed?: Date;
  /** When this function last changed the class. */
  readonly lastScaled?: Date;
  /** The latest decision's reasoning, one line. */
  readonly lastDecision?: string;
  /** The latest analysis's final verdict. */
  readonly lastVerdict?: Verdict;
  /** The scale-up triggers the latest analysis saw. */
  readonly lastTriggers: readonly Signal[];
  /** Since when every scale-down condition has held, at every analysis. */
  readonly quietSince?: Date;
  /** The load when the quiet window began, to see its trend. */
  readonly quietLoad?: Load;
  /** When RDS was first seen running the class the last resize asked for. */
  readonly resizeCompletedAt?: Date;
  /** The class this function set, in a composition, where the composite's spec stays as written. */
  readonly instanceClass?: string;
  /** The class the composition asked for when this function set `instanceClass`. */
  readonly baseClass?: string;
  /** In recommend-only mode, the class the latest analysis recommended. */
  readonly recommendedClass?: string;
  /** Who made the latest decision: `rules`, or `claude/<model>`. */
  readonly decidedBy?: string;
  /** The model's last answer, kept so the same question is not asked again too soon. */
  readonly advice?: AdviceMemo;
}

/** AdviceMemo is the model's last answer to one question: a resize the rules called for. */
export interface AdviceMemo {
  /** The question: the rules' verdict and class, as `ScaleUp db.t3.small`. */
  readonly question: string;
  /** The model's answer: the same verdict, or NoChange for a veto. */
  readonly answer: Verdict;
  readonly at: Date;
  /** How many times in a row the model gave this answer to this question. */
  readonly count: number;
  /** Who answered, as `claude/<model>`. */
  readonly by: string;
  /** The scale-up triggers that held when the model answered. */
  readonly triggers: readonly Signal[];
}

/** EMPTY_STATE is the state of a database this function has never analysed. */
export const EMPTY_STATE: ScalingState = { lastTriggers: [] };

/** StateReading is either the state or the first annotation that cannot be read. */
export type StateReading =
  | { readonly ok: true; readonly state: ScalingState }
  | { readonly ok: false; readonly problem: string };

type Annotations = Readonly<Record<string, string | undefined>>;

function text(annotations: Annotations, key: string): string | undefined {
  const value = annotations[key];
  // An empty value is how a cleared annotation is written (see writeState).
  return value === undefined || value === '' ? undefined : value;
}

function problem(
  key: string,
  value: string,
  expected: string,
): { readonly ok: false; readonly problem: string } {
  return { ok: false, problem: `annotation ${key}: "${value}" is not ${expected}` };
}

/** readState reads the state from a resource's annotations. */
export function readState(annotations: Annotations | undefined): StateReading {
  const source = annotations ?? {};
  const timeFields = [
    'lastAnalyzed',
    'lastScaled',
    'quietSince',
    'resizeCompleted',
    'advisedAt',
  ] as const;
  const times: Partial<Record<(typeof timeFields)[number], Date>> = {};
  for (const field of timeFields) {
    const value = text(source, ANNOTATIONS[field]);
    if (value === undefined) continue;
    const instant = parseRfc3339(value);
    if (instant === undefined) return problem(ANNOTATIONS[field], value, 'an RFC 3339 time');
    times[field] = instant;
  }
  const verdict = text(source, ANNOTATIONS.lastVerdict);
  if (verdict !== undefined && !VERDICTS.includes(verdict as Verdict)) {
    return problem(ANNOTATIONS.lastVerdict, verdict, `one of ${VERDICTS.join(', ')}`);
  }
  const triggers = readSignals(source, ANNOTATIONS.lastTriggers);
  if (!triggers.ok) return triggers;
  const memo = readMemo(source, times.advisedAt);
  if (!memo.ok) return memo;
  const quietLoad = readLoad(source);
  if (!quietLoad.ok) return quietLoad;
  const strings = {
    lastDecision: text(source, ANNOTATIONS.lastDecision),
    instanceClass: text(source, ANNOTATIONS.instanceClass),
    baseClass: text(source, ANNOTATIONS.baseClass),
    recommendedClass: text(source, ANNOTATIONS.recommendedClass),
    decidedBy: text(source, ANNOTATIONS.decidedBy),
  };
  const { advisedAt: _advisedAt, resizeCompleted, ...stateTimes } = times;
  return {
    ok: true,
    state: {
      ...stateTimes,
      ...(resizeCompleted !== undefined && { resizeCompletedAt: resizeCompleted }),
      ...(quietLoad.load !== undefined && { quietLoad: quietLoad.load }),
      ...(memo.memo !== undefined && { advice: memo.memo }),
      ...(verdict !== undefined && { lastVerdict: verdict as Verdict }),
      lastTriggers: triggers.signals,
      ...withoutUndefined(strings),
    },
  };
}

const LOAD_FIELDS = [
  ['cpu', 'cpuPercent'],
  ['free', 'freeableMemoryBytes'],
  ['connections', 'connections'],
] as const;

type LoadReading =
  { readonly ok: true; readonly load?: Load } | { readonly ok: false; readonly problem: string };

/** readLoad reads `cpu=3.1,free=1503238553,connections=20`; any part may be absent. */
function readLoad(source: Annotations): LoadReading {
  const value = text(source, ANNOTATIONS.quietLoad);
  if (value === undefined) return { ok: true };
  const load: Record<string, number> = {};
  for (const part of value.split(',')) {
    const [name, number] = part.split('=');
    const field = LOAD_FIELDS.find(([key]) => key === name)?.[1];
    const parsed = Number(number);
    if (field === undefined || number === undefined || !Number.isFinite(parsed) || parsed < 0) {
      return problem(
        ANNOTATIONS.quietLoad,
        value,
        'a list of cpu=, free= and connections= numbers',
      );
    }
    load[field] = parsed;
  }
  return { ok: true, load };
}

function writeLoad(load: Load | undefined): string {
  if (load === undefined) return '';
  return LOAD_FIELDS.flatMap(([key, field]) => {
    const value = load[field];
    return value === undefined ? [] : [`${key}=${Number(value.toFixed(2))}`];
  }).join(',');
}

type SignalsReading =
  | { readonly ok: true; readonly signals: Signal[] }
  | { readonly ok: false; readonly problem: string };

function readSignals(source: Annotations, key: string): SignalsReading {
  const value = text(source, key);
  const signals = value === undefined ? [] : value.split(',');
  if (!signals.every((t) => SIGNALS.includes(t as Signal))) {
    return problem(key, value ?? '', `a list of ${SIGNALS.join(', ')}`);
  }
  return { ok: true, signals: signals as Signal[] };
}

type MemoReading =
  | { readonly ok: true; readonly memo?: AdviceMemo }
  | { readonly ok: false; readonly problem: string };

function readMemo(source: Annotations, at: Date | undefined): MemoReading {
  const question = text(source, ANNOTATIONS.adviceFor);
  const answer = text(source, ANNOTATIONS.advice);
  const countText = text(source, ANNOTATIONS.adviceCount);
  if (question === undefined || answer === undefined || at === undefined) return { ok: true };
  if (!VERDICTS.includes(answer as Verdict)) {
    return problem(ANNOTATIONS.advice, answer, `one of ${VERDICTS.join(', ')}`);
  }
  const count = Number(countText ?? '1');
  if (!Number.isInteger(count) || count < 1) {
    return problem(ANNOTATIONS.adviceCount, countText ?? '', 'a whole number above 0');
  }
  const triggers = readSignals(source, ANNOTATIONS.adviceTriggers);
  if (!triggers.ok) return triggers;
  const [who, ...rest] = question.split(' by ');
  const by = rest.join(' by ');
  return {
    ok: true,
    memo: {
      question: who ?? question,
      answer: answer as Verdict,
      at,
      count,
      by,
      triggers: triggers.signals,
    },
  };
}

function withoutUndefined<T extends Record<string, string | undefined>>(
  record: T,
): Partial<Record<keyof T, string>> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as Partial<
    Record<keyof T, string>
  >;
}

/** COMPOSITION_ONLY are the keys only a composition writes: an Operation changes the spec itself. */
const COMPOSITION_ONLY: ReadonlySet<string> = new Set([
  ANNOTATIONS.instanceClass,
  ANNOTATIONS.baseClass,
]);

/**
 * writeState renders the state as annotations. Every key is written, cleared ones as an empty
 * string: server-side apply leaves a key another field manager wrote in place, so omitting a
 * key would not clear it. An Operation never sets the composition's keys, so it omits them.
 */
export function writeState(
  state: ScalingState,
  mode: 'composition' | 'operation' = 'composition',
): Record<string, string> {
  const annotations = allAnnotations(state);
  if (mode === 'composition') return annotations;
  return Object.fromEntries(
    Object.entries(annotations).filter(([key]) => !COMPOSITION_ONLY.has(key)),
  );
}

function allAnnotations(state: ScalingState): Record<string, string> {
  const time = (instant: Date | undefined): string =>
    instant === undefined ? '' : formatRfc3339(instant);
  return {
    [ANNOTATIONS.lastAnalyzed]: time(state.lastAnalyzed),
    [ANNOTATIONS.lastScaled]: time(state.lastScaled),
    [ANNOTATIONS.lastDecision]: state.lastDecision ?? '',
    [ANNOTATIONS.lastVerdict]: state.lastVerdict ?? '',
    [ANNOTATIONS.lastTriggers]: state.lastTriggers.join(','),
    [ANNOTATIONS.quietSince]: time(state.quietSince),
    [ANNOTATIONS.quietLoad]: writeLoad(state.quietLoad),
    [ANNOTATIONS.resizeCompleted]: time(state.resizeCompletedAt),
    [ANNOTATIONS.instanceClass]: state.instanceClass ?? '',
    [ANNOTATIONS.baseClass]: state.baseClass ?? '',
    [ANNOTATIONS.recommendedClass]: state.recommendedClass ?? '',
    [ANNOTATIONS.decidedBy]: state.decidedBy ?? '',
    [ANNOTATIONS.adviceFor]: state.advice ? `${state.advice.question} by ${state.advice.by}` : '',
    [ANNOTATIONS.advice]: state.advice?.answer ?? '',
    [ANNOTATIONS.advisedAt]: time(state.advice?.at),
    [ANNOTATIONS.adviceCount]: state.advice ? String(state.advice.count) : '',
    [ANNOTATIONS.adviceTriggers]: state.advice?.triggers.join(',') ?? '',
  };
}
