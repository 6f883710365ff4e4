/**
 * Short, stable wording for zod issues, so an invalid input becomes one line a user can act on:
 * `path: problem; path: problem; and N more`. Zod's own English is never shown: it is long,
 * may change between zod releases, and can echo more of the input than a message should.
 */
import type { z } from 'zod';

/** MAX_LISTED_PROBLEMS is how many problems a message lists before it says "and N more". */
export const MAX_LISTED_PROBLEMS = 3;

// Long strings are cut so a message never carries a whole prompt or manifest.
const maxQuotedLength = 60;

/**
 * issueText words one zod issue briefly, as the `error` option of a parse (see safeParseWorded);
 * a message a schema sets itself (refinements, the duration pattern) takes precedence over it.
 */
export const issueText: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      return `expected ${expectedType(issue.expected)}, got ${typeName(issue.input)}`;
    case 'invalid_value':
      if (issue.input === undefined) return 'is required';
      return `expected ${oneOf(issue.values)}, got ${show(issue.input)}`;
    case 'unrecognized_keys':
      return 'unknown field';
    case 'too_small':
      return tooSmall(issue.origin, issue.minimum, issue.inclusive ?? true, issue.input);
    case 'too_big':
      return tooBig(issue.origin, issue.maximum, issue.inclusive ?? true, issue.input);
    case 'invalid_format':
      return `${show(issue.input)} has the wrong format`;
    default:
      return 'is invalid';
  }
};

/**
 * safeParseWorded is `schema.safeParse(value)` with its issues worded by issueText. The error map
 * is passed only to a parse that failed, run again: zod parses several times slower with any
 * option set, and almost every parse on the hot path succeeds.
 */
export function safeParseWorded<S extends z.ZodType>(
  schema: S,
  value: unknown,
): z.ZodSafeParseResult<z.output<S>> {
  const result = schema.safeParse(value);
  return result.success ? result : schema.safeParse(value, { error: issueText });
}

/**
 * formatIssues joins the problems of a failed parse into one line, at most MAX_LISTED_PROBLEMS
 * of them and then "and N more". An unknown-fields issue counts once per field.
 */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string {
  const problems = issues.flatMap(problemsOf);
  const listed = problems.slice(0, MAX_LISTED_PROBLEMS);
  const more = problems.length - listed.length;
  return (more > 0 ? [...listed, `and ${more} more`] : listed).join('; ');
}

/** formatPath writes an issue path the way a user reads it: `spec.ladder[2]`, `spec["a.b"]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((segment, index) => {
      if (typeof segment === 'number') return `[${segment}]`;
      const name = String(segment);
      if (!/^[A-Za-z_$][\w$-]*$/.test(name)) return `[${show(name)}]`;
      return index === 0 ? name : `.${name}`;
    })
    .join('');
}

/**
 * show writes a value for a message: strings in double quotes (cut when long), other scalars as
 * JSON writes them, and objects and arrays by their type only, so the input is never echoed.
 */
export function show(value: unknown): string {
  if (typeof value === 'string') {
    const cut = value.length > maxQuotedLength ? `${value.slice(0, maxQuotedLength)}...` : value;
    return JSON.stringify(cut);
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeName(value);
}

function problemsOf(issue: z.core.$ZodIssue): string[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => located([...issue.path, key], issue.message));
  }
  return [located(issue.path, issue.message)];
}

function located(path: readonly PropertyKey[], problem: string): string {
  const where = formatPath(path);
  return where === '' ? problem : `${where}: ${problem}`;
}

// zod calls a free-form object a record; to a user it is an object like any other.
function expectedType(expected: string): string {
  return expected === 'record' ? 'object' : expected;
}

/** typeName names a JSON value's type for a message: `null`, `array`, `object`, `string`... */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function oneOf(values: readonly unknown[]): string {
  const shown = values.map(show);
  return shown.length === 1 ? (shown[0] ?? '') : `one of ${shown.join(', ')}`;
}

function tooSmall(origin: string, limit: number | bigint, inclusive: boolean, input: unknown) {
  if (origin === 'number' || origin === 'int') {
    return inclusive
      ? `${show(input)} is below the minimum ${limit}`
      : `${show(input)} must be greater than ${limit}`;
  }
  const unit = origin === 'string' ? 'characters' : 'items';
  if (Number(limit) === 1) return 'must not be empty';
  return `must have at least ${limit} ${unit}`;
}

function tooBig(origin: string, limit: number | bigint, inclusive: boolean, input: unknown) {
  if (origin === 'number' || origin === 'int') {
    return inclusive
      ? `${show(input)} is above the maximum ${limit}`
      : `${show(input)} must be less than ${limit}`;
  }
  const unit = origin === 'string' ? 'characters' : 'items';
  return `must have at most ${limit} ${unit}`;
}
