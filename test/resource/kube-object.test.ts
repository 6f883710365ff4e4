/**
 * The few fields every Kubernetes object has: API groups, how an object is named in messages,
 * how the first schema problem is worded, and telling a JSON object from other values.
 */
import { describe, expect, test } from 'vitest';
import { z } from 'zod';

import { issueText } from '../../src/input/format-issues.js';
import {
  describeRef,
  firstIssue,
  groupOf,
  isRecord,
  objectSchema,
} from '../../src/resource/kube-object.js';
import type { ObjectRef } from '../../src/resource/kube-object.js';

interface GroupRow {
  readonly name: string;
  readonly reason: string;
  readonly given: string;
  readonly want: string;
}

const groups: GroupRow[] = [
  {
    name: 'cluster-scoped RDS',
    reason: 'The group is everything before the slash.',
    given: 'rds.aws.upbound.io/v1beta1',
    want: 'rds.aws.upbound.io',
  },
  {
    name: 'namespaced RDS',
    reason: 'Crossplane v2 providers add ".m" to the group.',
    given: 'rds.aws.m.upbound.io/v1beta1',
    want: 'rds.aws.m.upbound.io',
  },
  {
    name: 'the demo composite',
    reason: 'Any group, any version.',
    given: 'aws.platform.upbound.io/v1alpha1',
    want: 'aws.platform.upbound.io',
  },
  {
    name: 'core group',
    reason: 'Core objects such as Secret have no group.',
    given: 'v1',
    want: '',
  },
  {
    name: 'empty',
    reason: 'No apiVersion, no group.',
    given: '',
    want: '',
  },
];

describe('groupOf', () => {
  test.each(groups)('$name', ({ reason, given, want }) => {
    expect(groupOf(given), reason).toBe(want);
  });
});

interface RefRow {
  readonly name: string;
  readonly reason: string;
  readonly given: ObjectRef;
  readonly want: string;
}

const refs: RefRow[] = [
  {
    name: 'namespaced',
    reason: 'Namespace and name, as kubectl writes them.',
    given: {
      apiVersion: 'aws.platform.upbound.io/v1alpha1',
      kind: 'SQLInstance',
      namespace: 'default',
      name: 'db',
    },
    want: 'SQLInstance "default/db"',
  },
  {
    name: 'cluster-scoped',
    reason: 'No namespace, no slash.',
    given: { apiVersion: 'aws.platform.upbound.io/v1alpha1', kind: 'XSQLInstance', name: 'db' },
    want: 'XSQLInstance "db"',
  },
];

describe('describeRef', () => {
  test.each(refs)('$name', ({ reason, given, want }) => {
    expect(describeRef(given), reason).toBe(want);
  });
});

/** errorOf parses an object head the way the resource readers do and returns the error. */
function errorOf(raw: unknown): z.ZodError {
  const parsed = objectSchema.safeParse(raw, { error: issueText });
  if (parsed.success) throw new Error('test object unexpectedly parsed');
  return parsed.error;
}

const head = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'claude' } };

interface IssueRow {
  readonly name: string;
  readonly reason: string;
  readonly given: { readonly error: z.ZodError; readonly prefix?: string };
  readonly want: string;
}

const issues: IssueRow[] = [
  {
    name: 'missing field',
    reason: 'The path leads to the field; the message says what is wrong.',
    given: { error: errorOf({ ...head, metadata: {} }) },
    want: 'metadata.name: is required',
  },
  {
    name: 'empty name',
    reason: 'A message the schema sets wins over the generic wording.',
    given: { error: errorOf({ ...head, metadata: { name: '' } }) },
    want: 'metadata.name: must not be empty',
  },
  {
    name: 'annotation key with dots and a slash',
    reason: 'A key that is not an identifier is quoted in brackets.',
    given: {
      error: errorOf({
        ...head,
        metadata: { name: 'db', annotations: { 'crossplane.io/paused': true } },
      }),
    },
    want: 'metadata.annotations["crossplane.io/paused"]: expected string, got boolean',
  },
  {
    name: 'not an object',
    reason: 'An issue at the root is placed at "object".',
    given: { error: errorOf('db') },
    want: 'object: expected object, got string',
  },
  {
    name: 'under a prefix',
    reason: 'A prefix places the issue inside the resource.',
    given: { error: errorOf({ ...head, kind: 7 }), prefix: 'status.performanceMetrics' },
    want: 'status.performanceMetrics.kind: expected string, got number',
  },
  {
    name: 'at the root under a prefix',
    reason: 'The prefix alone names the field.',
    given: { error: errorOf([head]), prefix: 'spec.crossplane' },
    want: 'spec.crossplane: expected object, got array',
  },
  {
    name: 'no issues',
    reason: 'An error without issues still reads as one line.',
    given: { error: new z.ZodError([]) },
    want: 'object: is invalid',
  },
];

describe('firstIssue', () => {
  test.each(issues)('$name', ({ reason, given, want }) => {
    expect(firstIssue(given.error, given.prefix), reason).toBe(want);
  });
});

interface RecordRow {
  readonly name: string;
  readonly reason: string;
  readonly given: unknown;
  readonly want: boolean;
}

const records: RecordRow[] = [
  { name: 'object', reason: 'A JSON object.', given: { kind: 'Instance' }, want: true },
  { name: 'empty object', reason: 'Still an object.', given: {}, want: true },
  { name: 'array', reason: 'An array is not a map.', given: [{ kind: 'Instance' }], want: false },
  { name: 'null', reason: 'typeof null is "object", but null is not.', given: null, want: false },
  { name: 'undefined', reason: 'An absent field.', given: undefined, want: false },
  { name: 'string', reason: 'A scalar.', given: 'Instance', want: false },
  { name: 'number', reason: 'A scalar.', given: 0, want: false },
];

describe('isRecord', () => {
  test.each(records)('$name', ({ reason, given, want }) => {
    expect(isRecord(given), reason).toBe(want);
  });
});
