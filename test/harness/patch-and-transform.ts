/**
 * An in-process stand-in for function-patch-and-transform, covering what the example Composition
 * uses: resource templates with a base and FromCompositeFieldPath / ToCompositeFieldPath patches.
 * It behaves like the real function where the function under test can tell: it keeps what earlier
 * steps desired, keys each composed resource by its template name (the composition resource name;
 * like the real function it leaves the annotation to Crossplane), copies an observed resource's
 * name and namespace, marks a resource ready when its observed Ready condition is True, and puts
 * the Composition environment in the context.
 */
import { Ready, Severity } from '@crossplane-org/function-sdk-typescript';
import type {
  Resource,
  Result,
  RunFunctionRequest,
  RunFunctionResponse,
  State,
} from '@crossplane-org/function-sdk-typescript';

import {
  clone,
  getFieldPath,
  isObject,
  objectAt,
  refOf,
  setFieldPath,
  setOrRemove,
  stringAt,
} from './objects.js';
import type { KubeObject } from './objects.js';

/** PATCH_AND_TRANSFORM is the Function name the example Composition's first step references. */
export const PATCH_AND_TRANSFORM = 'function-patch-and-transform';

/** ENVIRONMENT_CONTEXT_KEY is where the real function leaves the Composition environment. */
export const ENVIRONMENT_CONTEXT_KEY = 'apiextensions.crossplane.io/environment';

const INPUT_API_VERSION = 'pt.fn.crossplane.io/v1beta1';

interface Patch {
  readonly type: 'FromCompositeFieldPath' | 'ToCompositeFieldPath';
  readonly fromFieldPath: string;
  readonly toFieldPath: string;
  readonly required: boolean;
}

interface Template {
  readonly name: string;
  readonly base: KubeObject | undefined;
  readonly patches: readonly Patch[];
}

/** runPatchAndTransform answers one request as function-patch-and-transform would. */
export function runPatchAndTransform(req: RunFunctionRequest): Promise<RunFunctionResponse> {
  const rsp = respondTo(req);
  const templates = readTemplates(req.input);
  if (typeof templates === 'string') return Promise.resolve(fatal(rsp, templates));

  const observedXR: KubeObject = req.observed?.composite?.resource ?? {};
  const desired: State = rsp.desired ?? { composite: undefined, resources: {} };
  const desiredXR: KubeObject = clone(desired.composite?.resource ?? {});
  setOrRemove(desiredXR, 'apiVersion', refOf(observedXR).apiVersion);
  setOrRemove(desiredXR, 'kind', refOf(observedXR).kind);

  for (const template of templates) {
    rsp.results.push(...compose(template, req, desired, observedXR, desiredXR));
    if (rsp.results.some((r) => r.severity === Severity.SEVERITY_FATAL))
      return Promise.resolve(rsp);
  }
  desired.composite = { ...emptyResource(), ...desired.composite, resource: desiredXR };
  rsp.desired = desired;
  rsp.context = {
    ...rsp.context,
    [ENVIRONMENT_CONTEXT_KEY]: objectAt(rsp.context, ENVIRONMENT_CONTEXT_KEY) ?? {},
  };
  return Promise.resolve(rsp);
}

// compose renders one template into desired state; it returns the results it has to report.
// Like the real function it skips a resource whose FromComposite patches fail, but not one whose
// ToComposite patches fail.
function compose(
  template: Template,
  req: RunFunctionRequest,
  desired: State,
  observedXR: KubeObject,
  desiredXR: KubeObject,
): Result[] {
  const base = template.base ?? desired.resources[template.name]?.resource;
  if (base === undefined) {
    const message = `composed resource "${template.name}" has no base template, and was not produced by a previous Function in the pipeline`;
    return [result(Severity.SEVERITY_FATAL, message)];
  }
  const warnings: Result[] = [];
  const composed = clone(base);
  const observed = req.observed?.resources[template.name]?.resource;
  if (observed !== undefined) {
    const metadata = objectAt(composed, 'metadata') ?? {};
    setOrRemove(metadata, 'namespace', refOf(observed).namespace);
    setOrRemove(metadata, 'name', refOf(observed).name);
    composed['metadata'] = metadata;
    const problem = applyPatches(template, 'ToCompositeFieldPath', observed, desiredXR);
    if (problem !== undefined) {
      const message = `cannot render ToComposite patches for composed resource "${template.name}": ${problem}`;
      warnings.push(result(Severity.SEVERITY_WARNING, message));
    }
  }
  const problem = applyPatches(template, 'FromCompositeFieldPath', observedXR, composed);
  if (problem !== undefined) {
    const message = `cannot render FromComposite patches for composed resource "${template.name}": ${problem}`;
    return [...warnings, result(Severity.SEVERITY_WARNING, message)];
  }
  const ready = observed !== undefined && isReady(observed);
  desired.resources[template.name] = {
    ...emptyResource(),
    resource: composed,
    ready: ready ? Ready.READY_TRUE : Ready.READY_UNSPECIFIED,
  };
  return warnings;
}

function applyPatches(
  template: Template,
  type: Patch['type'],
  from: KubeObject,
  to: KubeObject,
): string | undefined {
  for (const patch of template.patches.filter((p) => p.type === type)) {
    const value = getFieldPath(from, patch.fromFieldPath);
    if (value.found) setFieldPath(to, patch.toFieldPath, clone(value.value));
    else if (patch.required) return `required field "${patch.fromFieldPath}" is not set`;
  }
  return undefined;
}

// isReady is the real function's default readiness check: the Ready condition is True.
function isReady(observed: KubeObject): boolean {
  const conditions = objectAt(observed, 'status')?.['conditions'];
  if (!Array.isArray(conditions)) return false;
  return conditions.some(
    (c: unknown) => stringAt(c, 'type') === 'Ready' && stringAt(c, 'status') === 'True',
  );
}

// readTemplates validates the input; a string is the reason it is invalid.
function readTemplates(input: KubeObject | undefined): Template[] | string {
  if (
    stringAt(input, 'apiVersion') !== INPUT_API_VERSION ||
    stringAt(input, 'kind') !== 'Resources'
  ) {
    return `cannot get Function input: want ${INPUT_API_VERSION} Resources`;
  }
  const resources = input?.['resources'];
  if (!Array.isArray(resources)) return 'invalid Function input: resources must be a list';
  const templates: Template[] = [];
  for (const [i, entry] of resources.entries()) {
    const template = readTemplate(entry, i);
    if (typeof template === 'string') return `invalid Function input: ${template}`;
    templates.push(template);
  }
  return templates;
}

function readTemplate(entry: unknown, index: number): Template | string {
  const name = stringAt(entry, 'name');
  if (name === undefined) return `resources[${index}].name is required`;
  const base = objectAt(entry, 'base');
  const rawPatches = isObject(entry) ? (entry['patches'] ?? []) : [];
  if (!Array.isArray(rawPatches)) return `resources[${index}].patches must be a list`;
  const patches: Patch[] = [];
  for (const [j, raw] of rawPatches.entries()) {
    const patch = readPatch(raw);
    if (typeof patch === 'string') return `resources[${index}].patches[${j}]: ${patch}`;
    patches.push(patch);
  }
  return { name, base, patches };
}

function readPatch(raw: unknown): Patch | string {
  const type = stringAt(raw, 'type');
  if (type !== 'FromCompositeFieldPath' && type !== 'ToCompositeFieldPath') {
    return `patch type "${String(type)}" is not supported by the harness's fake`;
  }
  if (isObject(raw) && raw['transforms'] !== undefined) {
    return "transforms are not supported by the harness's fake";
  }
  const fromFieldPath = stringAt(raw, 'fromFieldPath');
  if (fromFieldPath === undefined) return 'fromFieldPath is required';
  const policy = stringAt(objectAt(raw, 'policy'), 'fromFieldPath');
  return {
    type,
    fromFieldPath,
    toFieldPath: stringAt(raw, 'toFieldPath') ?? fromFieldPath,
    required: policy === 'Required',
  };
}

function respondTo(req: RunFunctionRequest): RunFunctionResponse {
  return {
    meta: { tag: req.meta?.tag ?? '', ttl: { seconds: 60, nanos: 0 } },
    desired: clone(req.desired),
    results: [],
    context: clone(req.context),
    requirements: undefined,
    conditions: [],
    output: undefined,
  };
}

function emptyResource(): Resource {
  return { resource: undefined, connectionDetails: {}, ready: Ready.READY_UNSPECIFIED };
}

function result(severity: Severity, message: string): Result {
  return { severity, message, reason: undefined, target: undefined };
}

function fatal(rsp: RunFunctionResponse, message: string): RunFunctionResponse {
  rsp.results.push(result(Severity.SEVERITY_FATAL, message));
  return rsp;
}
