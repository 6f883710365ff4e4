/**
 * Reading an XSQLInstance (or any composite resource shaped like it): who it is, the class its
 * spec asks for, its engine and region, its metrics and the composed resources it references.
 */
import { z } from 'zod';

import { safeParseWorded } from '../input/format-issues.js';

import { firstIssue, metadataSchema } from './kube-object.js';
import type { ObjectRef } from './kube-object.js';

/** SqlInstance is what this function reads from a composite resource. */
export interface SqlInstance extends ObjectRef {
  readonly annotations: Readonly<Record<string, string>>;
  /** `spec.parameters.instanceClass`. */
  readonly instanceClass?: string;
  readonly engine?: string;
  readonly region?: string;
  /** The raw `status.performanceMetrics`; read by readPerformanceMetrics. */
  readonly performanceMetrics: unknown;
  /** Composed resources the composite references (`spec.crossplane.resourceRefs` or `spec.resourceRefs`). */
  readonly resourceRefs: readonly ObjectRef[];
}

const refSchema = z.object({
  apiVersion: z.string(),
  kind: z.string(),
  name: z.string(),
  namespace: z.string().optional(),
});

const sqlInstanceSchema = z.object({
  apiVersion: z.string().min(1),
  kind: z.string().min(1),
  metadata: metadataSchema,
  spec: z
    .object({
      parameters: z
        .object({
          instanceClass: z.string().optional(),
          engine: z.string().optional(),
          region: z.string().optional(),
        })
        .optional(),
      // Crossplane v2 keeps machinery under spec.crossplane; v1 kept it at the top of spec.
      crossplane: z.object({ resourceRefs: z.array(refSchema).optional() }).optional(),
      resourceRefs: z.array(refSchema).optional(),
    })
    .optional(),
  status: z.object({ performanceMetrics: z.unknown().optional() }).optional(),
});

/** SqlInstanceReading is either the composite or why it cannot be read. */
export type SqlInstanceReading =
  | { readonly ok: true; readonly value: SqlInstance }
  | { readonly ok: false; readonly problem: string };

/** readSqlInstance reads a composite resource from its JSON. */
export function readSqlInstance(raw: unknown): SqlInstanceReading {
  const parsed = safeParseWorded(sqlInstanceSchema, raw);
  if (!parsed.success) return { ok: false, problem: firstIssue(parsed.error) };
  const { apiVersion, kind, metadata, spec, status } = parsed.data;
  const parameters = spec?.parameters;
  const refs = spec?.crossplane?.resourceRefs ?? spec?.resourceRefs ?? [];
  return {
    ok: true,
    value: {
      apiVersion,
      kind,
      name: metadata.name,
      ...(metadata.namespace !== undefined && { namespace: metadata.namespace }),
      annotations: metadata.annotations ?? {},
      ...(parameters?.instanceClass !== undefined && { instanceClass: parameters.instanceClass }),
      ...(parameters?.engine !== undefined && { engine: parameters.engine }),
      ...(parameters?.region !== undefined && { region: parameters.region }),
      performanceMetrics: status?.performanceMetrics,
      resourceRefs: refs.map((r) => ({
        apiVersion: r.apiVersion,
        kind: r.kind,
        name: r.name,
        ...(r.namespace !== undefined && { namespace: r.namespace }),
      })),
    },
  };
}
