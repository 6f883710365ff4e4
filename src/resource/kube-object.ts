/** Reading the few fields every Kubernetes object has, from the untyped JSON Crossplane sends. */
import { z } from 'zod';

import { formatPath } from '../input/format-issues.js';

/** ObjectRef identifies one object. */
export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

const stringMap = z.record(z.string(), z.string());

/** metadataSchema is the part of metadata this function reads; the rest is ignored, not copied. */
export const metadataSchema = z.object({
  name: z.string().min(1, { error: 'must not be empty' }),
  namespace: z.string().optional(),
  labels: stringMap.optional(),
  annotations: stringMap.optional(),
});

/** objectSchema is the common head of every object. */
export const objectSchema = z.object({
  apiVersion: z.string().min(1),
  kind: z.string().min(1),
  metadata: metadataSchema,
});

/** groupOf returns the API group of an apiVersion: `rds.aws.upbound.io/v1beta1` -> `rds.aws.upbound.io`. */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** describeRef names an object for messages: `XSQLInstance "default/db"`. */
export function describeRef(ref: ObjectRef): string {
  const name = ref.namespace === undefined ? ref.name : `${ref.namespace}/${ref.name}`;
  return `${ref.kind} "${name}"`;
}

/** firstIssue formats a zod error's first issue as `path: message` under a prefix. */
export function firstIssue(error: z.ZodError, prefix?: string): string {
  const issue = error.issues[0];
  const path = [...(prefix === undefined ? [] : prefix.split('.')), ...(issue?.path ?? [])];
  return `${formatPath(path) || 'object'}: ${issue?.message ?? 'is invalid'}`;
}

/** isRecord tells a JSON object from every other JSON value. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
