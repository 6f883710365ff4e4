/**
 * Reading the composed RDS Instance of provider-aws, cluster-scoped (`rds.aws.upbound.io`) or
 * namespaced (`rds.aws.m.upbound.io`): the class asked for, the class RDS reports, and the
 * annotations where a composition keeps this function's state.
 */
import { z } from 'zod';

import { safeParseWorded } from '../input/format-issues.js';

import { firstIssue, groupOf, isRecord, metadataSchema } from './kube-object.js';

/** RDS_INSTANCE_GROUPS are the API groups of provider-aws's RDS Instance. */
export const RDS_INSTANCE_GROUPS = ['rds.aws.upbound.io', 'rds.aws.m.upbound.io'] as const;

/** RDS_INSTANCE_API_VERSIONS are the versions to ask for, cluster-scoped then namespaced. */
export const RDS_INSTANCE_API_VERSIONS = {
  cluster: 'rds.aws.upbound.io/v1beta1',
  namespaced: 'rds.aws.m.upbound.io/v1beta1',
} as const;

/** RdsInstance is what this function reads from an RDS Instance. */
export interface RdsInstance {
  readonly name: string;
  readonly annotations: Readonly<Record<string, string>>;
  /** `spec.forProvider.instanceClass`: the class asked for. */
  readonly requestedClass?: string;
  /** `status.atProvider.instanceClass`: the class RDS reports running. */
  readonly reportedClass?: string;
  /** The AWS identifier, from the crossplane.io/external-name annotation. */
  readonly externalName?: string;
}

const rdsInstanceSchema = z.object({
  metadata: metadataSchema,
  spec: z
    .object({
      forProvider: z.object({ instanceClass: z.string().optional() }).optional(),
    })
    .optional(),
  status: z
    .object({
      atProvider: z.object({ instanceClass: z.string().optional() }).optional(),
    })
    .optional(),
});

/** isRdsInstance tells whether an object is a provider-aws RDS Instance. */
export function isRdsInstance(raw: unknown): boolean {
  if (!isRecord(raw) || raw['kind'] !== 'Instance') return false;
  const apiVersion = raw['apiVersion'];
  return (
    typeof apiVersion === 'string' &&
    (RDS_INSTANCE_GROUPS as readonly string[]).includes(groupOf(apiVersion))
  );
}

/** RdsInstanceReading is either the Instance or why it cannot be read. */
export type RdsInstanceReading =
  | { readonly ok: true; readonly value: RdsInstance }
  | { readonly ok: false; readonly problem: string };

/** readRdsInstance reads an RDS Instance from its JSON. */
export function readRdsInstance(raw: unknown): RdsInstanceReading {
  const parsed = safeParseWorded(rdsInstanceSchema, raw);
  if (!parsed.success) return { ok: false, problem: firstIssue(parsed.error) };
  const { metadata, spec, status } = parsed.data;
  const annotations = metadata.annotations ?? {};
  const requestedClass = spec?.forProvider?.instanceClass;
  const reportedClass = status?.atProvider?.instanceClass;
  const externalName = annotations['crossplane.io/external-name'];
  return {
    ok: true,
    value: {
      name: metadata.name,
      annotations,
      ...(requestedClass !== undefined && { requestedClass }),
      ...(reportedClass !== undefined && { reportedClass }),
      ...(externalName !== undefined && { externalName }),
    },
  };
}
