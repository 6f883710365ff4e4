/**
 * Building a response: desired state and context pass through untouched except what this
 * function owns, the tag is echoed, and results carry a stable reason.
 */
import { Severity } from '@crossplane-org/function-sdk-typescript';
import type {
  Resource,
  RunFunctionRequest,
  RunFunctionResponse,
  State,
} from '@crossplane-org/function-sdk-typescript';

function cloneResource(resource: Resource): Resource {
  // Only the JSON body is ever edited, and only by replacing its top-level fields (spec,
  // metadata, status) with new objects, so a copy one level deep keeps the request intact.
  // Connection details stay shared, as bytes.
  return {
    ...resource,
    ...(resource.resource !== undefined && { resource: { ...resource.resource } }),
  };
}

/**
 * cloneState copies desired state, so editing the response never edits the request: each body
 * one level deep, which is as deep as this function edits.
 */
export function cloneState(state: State | undefined): State {
  const resources: Record<string, Resource> = {};
  for (const [name, resource] of Object.entries(state?.resources ?? {})) {
    resources[name] = cloneResource(resource);
  }
  const composite = state?.composite === undefined ? undefined : cloneResource(state.composite);
  return { composite, resources };
}

/** newResponse starts a response that passes the request's desired state and context through. */
export function newResponse(req: RunFunctionRequest, ttlSeconds: number): RunFunctionResponse {
  return {
    meta: {
      tag: req.meta?.tag ?? '',
      ttl: { seconds: Math.max(1, Math.round(ttlSeconds)), nanos: 0 },
    },
    desired: cloneState(req.desired),
    results: [],
    context: req.context,
    requirements: undefined,
    conditions: [],
  };
}

/** setTtl tells Crossplane when to call again. */
export function setTtl(rsp: RunFunctionResponse, seconds: number): void {
  rsp.meta = {
    tag: rsp.meta?.tag ?? '',
    ttl: { seconds: Math.max(1, Math.round(seconds)), nanos: 0 },
  };
}

/** addResult appends a result with a PascalCase reason. */
export function addResult(
  rsp: RunFunctionResponse,
  severity: Severity,
  message: string,
  reason: string,
): void {
  rsp.results.push({ severity, message, reason });
}

/** addFatal reports that no valid output can be produced, so Crossplane applies nothing. */
export function addFatal(rsp: RunFunctionResponse, message: string, reason: string): void {
  addResult(rsp, Severity.SEVERITY_FATAL, message, reason);
}
