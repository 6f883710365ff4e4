/**
 * A harness that plays Crossplane's part in calling functions, step by step as
 * `crossplane render` does for a Composition and as `crossplane alpha render op` and Crossplane's
 * Operation controller do for an Operation: the same requests (empty desired state at the start,
 * desired state and context handed from step to step, Secret data as credential bytes, bootstrap
 * and function-requested required resources, the call-again loop capped at
 * MAX_REQUIREMENTS_ITERATIONS), the same stop at the first FATAL result, and the same documents
 * printed at the end. Every request and response crosses a protobuf encode and decode, so a step
 * sees exactly what it would see over gRPC.
 *
 * What it leaves out: XRD defaulting (render's --xrd), connection details, required schemas, and
 * render's timeout. Problems with the fixtures themselves (a Composition for another kind, a step
 * naming a Function that is not listed, a missing Secret) throw; problems a step causes (a FATAL
 * result, a rejected call, requirements that never settle) come back as a RenderFailure, as
 * render's non-zero exit.
 */
import { createHash } from 'node:crypto';

import {
  Capability,
  Ready,
  Requirements,
  RunFunctionRequest,
  RunFunctionResponse,
  Severity,
  Status,
} from '@crossplane-org/function-sdk-typescript';
import type {
  Condition,
  Credentials,
  Resource,
  ResourceSelector,
  Resources,
  Result,
  State,
} from '@crossplane-org/function-sdk-typescript';

import { selectResources, stepRequirements } from './cluster.js';
import {
  annotationsOf,
  clone,
  ensureObject,
  isObject,
  labelsOf,
  objectAt,
  refOf,
  setOrRemove,
  stableStringify,
  stringAt,
} from './objects.js';
import type { KubeObject, ObjectRef } from './objects.js';
import { PATCH_AND_TRANSFORM, runPatchAndTransform } from './patch-and-transform.js';
import { secretData } from './yaml-docs.js';

export { freshMetrics } from '../../scripts/refresh-metrics.js';

/** RunStep answers one RunFunctionRequest, as a function does over gRPC. */
export type RunStep = (req: RunFunctionRequest) => Promise<RunFunctionResponse>;

/** StepRunners map a Function name (a step's functionRef.name) to what runs it. */
export type StepRunners = Readonly<Record<string, RunStep>>;

/**
 * MAX_REQUIREMENTS_ITERATIONS is Crossplane's cap on the call-again loop: after the first call a
 * step is called again at most this many times while its requirements keep changing.
 */
export const MAX_REQUIREMENTS_ITERATIONS = 5;

/** WATCHED_RESOURCE is the required resource a WatchOperation injects into every step. */
export const WATCHED_RESOURCE = 'ops.crossplane.io/watched-resource';

/** COMPOSITE_LABEL is the label Crossplane puts on composed resources: the XR's name. */
export const COMPOSITE_LABEL = 'crossplane.io/composite';

/** COMPOSITION_RESOURCE_NAME is the annotation holding a composed resource's key. */
export const COMPOSITION_RESOURCE_NAME = 'crossplane.io/composition-resource-name';

/** COMPOSITION_CAPABILITIES are what a Crossplane v2.2 advertises to composition functions. */
export const COMPOSITION_CAPABILITIES: readonly Capability[] = [
  Capability.CAPABILITY_CAPABILITIES,
  Capability.CAPABILITY_REQUIRED_RESOURCES,
  Capability.CAPABILITY_CREDENTIALS,
  Capability.CAPABILITY_CONDITIONS,
  Capability.CAPABILITY_REQUIRED_SCHEMAS,
];

/** OPERATION_CAPABILITIES are the same less conditions, which Operations ignore. */
export const OPERATION_CAPABILITIES: readonly Capability[] = COMPOSITION_CAPABILITIES.filter(
  (c) => c !== Capability.CAPABILITY_CONDITIONS,
);

// render stamps every condition with this time, so its output is stable.
const CONDITION_TIME = '2024-01-01T00:00:00Z';
const RENDER_API_VERSION = 'render.crossplane.io/v1beta1';
const SYSTEM_CONDITIONS = new Set(['Ready', 'Synced', 'Healthy', 'UpToDate', 'Responsive']);

/** FunctionCall is one call of one step: what was sent and what came back, after the wire. */
export interface FunctionCall {
  readonly step: string;
  readonly functionName: string;
  /** 0 for a step's first call, then 1, 2, ... for each call made to satisfy requirements. */
  readonly iteration: number;
  readonly request: RunFunctionRequest;
  readonly response: RunFunctionResponse;
}

/** RenderFailure is how a run ends when render would exit non-zero because of a step. */
export interface RenderFailure {
  readonly ok: false;
  /** render's error text, for example `pipeline step "x" returned a fatal result: ...`. */
  readonly error: string;
  readonly step: string;
  /** Result documents of the steps before the failure. */
  readonly results: KubeObject[];
  readonly calls: FunctionCall[];
}

/** CompositionRenderInput is what `crossplane render` takes, as loaded objects. */
export interface CompositionRenderInput {
  /** The XR as loaded (xr.yaml); it is the observed composite. */
  readonly xr: KubeObject;
  readonly composition: KubeObject;
  /** The Function objects (functions.yaml); every step's functionRef must name one. */
  readonly functions: readonly KubeObject[];
  /** Runners by Function name; function-patch-and-transform defaults to the in-process fake. */
  readonly steps: StepRunners;
  /** Observed composed resources (--observed-resources), keyed by their resource name annotation. */
  readonly observed?: readonly KubeObject[];
  /** Secrets (--function-credentials). */
  readonly credentials?: readonly KubeObject[];
  /** The objects required resources are selected from (--required-resources). */
  readonly clusterObjects?: readonly KubeObject[];
  /** Initial pipeline context (--context-values). */
  readonly context?: KubeObject;
  /** Print Result documents too (-r). */
  readonly includeResults?: boolean;
}

/** CompositionRenderSuccess is a finished composition render. */
export interface CompositionRenderSuccess {
  readonly ok: true;
  /** The desired state the last step returned. */
  readonly desired: State | undefined;
  /** Result documents, as render prints them with -r. */
  readonly results: KubeObject[];
  /** The context the last step returned (Crossplane discards it; render -c prints it). */
  readonly context: KubeObject | undefined;
  /** What render prints: the XR, the composed resources sorted by name, then results with -r. */
  readonly documents: KubeObject[];
  readonly calls: FunctionCall[];
}

/** CompositionRender is the outcome of renderComposition. */
export type CompositionRender = CompositionRenderSuccess | RenderFailure;

/**
 * renderComposition runs a Composition's pipeline for an XR as `crossplane render` does.
 */
export async function renderComposition(input: CompositionRenderInput): Promise<CompositionRender> {
  const { xr, composition } = input;
  checkComposition(xr, composition);
  const pipeline = pipelineOf(objectAt(composition, 'spec'));
  const runners = runnersFor(pipeline, input.functions, input.steps);
  const observed = input.observed ?? [];
  const outcome = await runPipeline({
    pipeline,
    runners,
    observed: observedState(xr, observed),
    context: input.context ?? {},
    cluster: input.clusterObjects ?? [],
    secrets: input.credentials ?? [],
    capabilities: COMPOSITION_CAPABILITIES,
    tagRequests: false,
    errorPrefix: 'cannot run pipeline step',
  });
  if (!outcome.ok) return outcome;
  const documents = [
    compositeDocument(xr, outcome.desired, outcome.conditions),
    ...composedDocuments(xr, observed, outcome.desired),
    ...(input.includeResults === true ? outcome.results : []),
  ];
  const { desired, results, context, calls } = outcome;
  return { ok: true, desired, results, context, documents, calls };
}

/** OperationRenderInput is what `crossplane alpha render op` takes, as loaded objects. */
export interface OperationRenderInput {
  /** An Operation, or a CronOperation or WatchOperation whose operationTemplate is rendered. */
  readonly operation: KubeObject;
  readonly functions: readonly KubeObject[];
  readonly steps: StepRunners;
  /** The watched resource (--watched-resource), injected into every step. */
  readonly watched?: KubeObject;
  /** The objects required resources are selected from (--required-resources). */
  readonly clusterObjects?: readonly KubeObject[];
  readonly credentials?: readonly KubeObject[];
  readonly includeResults?: boolean;
}

/** StepOutput is one step's output, as the Operation's status.pipeline records it. */
export interface StepOutput {
  readonly step: string;
  readonly output: KubeObject;
}

/** OperationRenderSuccess is a finished operation render. */
export interface OperationRenderSuccess {
  readonly ok: true;
  readonly desired: State | undefined;
  /** The desired resources Crossplane would apply, sorted by their key in desired state. */
  readonly resources: KubeObject[];
  readonly results: KubeObject[];
  readonly outputs: StepOutput[];
  readonly context: KubeObject | undefined;
  /** What render prints: the Operation with its status, the resources, then results with -r. */
  readonly documents: KubeObject[];
  readonly calls: FunctionCall[];
}

/** OperationRender is the outcome of renderOperation. */
export type OperationRender = OperationRenderSuccess | RenderFailure;

/**
 * renderOperation runs an Operation's pipeline as Crossplane does: no observed state, each step's
 * bootstrap requirements (and the watched resource) resolved from the cluster objects.
 */
export async function renderOperation(input: OperationRenderInput): Promise<OperationRender> {
  const operation = operationOf(input.operation);
  const pipeline = pipelineOf(operation.spec);
  if (input.watched !== undefined) injectWatchedResource(pipeline, input.watched);
  const runners = runnersFor(pipeline, input.functions, input.steps);
  const outcome = await runPipeline({
    pipeline,
    runners,
    observed: undefined,
    context: {},
    cluster: [
      ...(input.clusterObjects ?? []),
      ...(input.watched === undefined ? [] : [input.watched]),
    ],
    secrets: input.credentials ?? [],
    capabilities: OPERATION_CAPABILITIES,
    tagRequests: true,
    errorPrefix: 'cannot run operation pipeline step',
  });
  if (!outcome.ok) return outcome;
  const entries = Object.entries(outcome.desired?.resources ?? {}).sort(([a], [b]) =>
    compare(a, b),
  );
  const resources = entries.map(([, r]) => clone(r.resource ?? {}));
  const status = { appliedResourceRefs: appliedResourceRefs(resources), pipeline: outcome.outputs };
  const documents = [
    { apiVersion: operation.apiVersion, kind: 'Operation', metadata: operation.metadata, status },
    ...resources,
    ...(input.includeResults === true ? outcome.results : []),
  ];
  const { desired, results, outputs, context, calls } = outcome;
  return { ok: true, desired, resources, results, outputs, context, documents, calls };
}

interface PipelineOptions {
  readonly pipeline: readonly KubeObject[];
  readonly runners: StepRunners;
  readonly observed: State | undefined;
  readonly context: KubeObject;
  readonly cluster: readonly KubeObject[];
  readonly secrets: readonly KubeObject[];
  readonly capabilities: readonly Capability[];
  /** Operations tag each request with a hash of its content; render sends an empty tag. */
  readonly tagRequests: boolean;
  readonly errorPrefix: string;
}

interface PipelineSuccess {
  readonly ok: true;
  readonly desired: State | undefined;
  readonly context: KubeObject | undefined;
  readonly results: KubeObject[];
  readonly conditions: Condition[];
  readonly outputs: StepOutput[];
  readonly calls: FunctionCall[];
}

// runPipeline calls each step in order, handing desired state and context on, and stops at the
// first FATAL result. It is one loop because the order of its effects is the contract.
async function runPipeline(options: PipelineOptions): Promise<PipelineSuccess | RenderFailure> {
  let desired: State | undefined = { composite: undefined, resources: {} };
  let context: KubeObject | undefined = clone(options.context);
  const results: KubeObject[] = [];
  const conditions: Condition[] = [];
  const outputs: StepOutput[] = [];
  const calls: FunctionCall[] = [];
  for (const step of options.pipeline) {
    const name = stringAt(step, 'step') ?? '';
    const functionName = functionNameOf(step);
    const request = firstRequest(step, options, desired, context);
    const record = (iteration: number, req: RunFunctionRequest, rsp: RunFunctionResponse) =>
      calls.push({ step: name, functionName, iteration, request: req, response: rsp });
    const run = options.runners[functionName] ?? missingRunner(functionName);
    const called = await callUntilSatisfied(run, request, options.cluster, record);
    if ('error' in called) {
      return {
        ok: false,
        error: `${options.errorPrefix} "${name}": ${called.error}`,
        step: name,
        results,
        calls,
      };
    }
    const rsp = called.response;
    desired = rsp.desired;
    context = rsp.context;
    conditions.push(...rsp.conditions);
    if (rsp.output !== undefined) outputs.push({ step: name, output: rsp.output });
    for (const result of rsp.results) {
      if (result.severity === Severity.SEVERITY_FATAL) {
        const error = `pipeline step "${name}" returned a fatal result: ${result.message}`;
        return { ok: false, error, step: name, results, calls };
      }
      results.push(resultDocument(name, result));
    }
  }
  return { ok: true, desired, context, results, conditions, outputs, calls };
}

function firstRequest(
  step: KubeObject,
  options: PipelineOptions,
  desired: State | undefined,
  context: KubeObject | undefined,
): RunFunctionRequest {
  // fromPartial fills the deprecated extra_resources with its empty default, as Crossplane sends it.
  const request = RunFunctionRequest.fromPartial({
    observed: options.observed,
    desired,
    input: objectAt(step, 'input'),
    context,
    credentials: stepCredentials(step, options.secrets),
    requiredResources: Object.fromEntries(
      stepRequirements(step).map((r) => [
        r.requirementName,
        selectResources(options.cluster, r.selector),
      ]),
    ),
  });
  request.meta = {
    tag: options.tagRequests ? tagOf(request) : '',
    capabilities: [...options.capabilities],
  };
  return request;
}

type Called = { readonly response: RunFunctionResponse } | { readonly error: string };

// callUntilSatisfied is Crossplane's call-again loop: while a response asks for required resources
// it did not ask for last time, fetch them (keeping the bootstrap ones) and call again.
async function callUntilSatisfied(
  run: RunStep,
  first: RunFunctionRequest,
  cluster: readonly KubeObject[],
  record: (iteration: number, req: RunFunctionRequest, rsp: RunFunctionResponse) => void,
): Promise<Called> {
  const bootstrap = first.requiredResources;
  let request = first;
  let previous: Requirements | undefined;
  for (let iteration = 0; iteration <= MAX_REQUIREMENTS_ITERATIONS; iteration++) {
    // The step gets its own decoded copy, so what it mutates never changes the recorded request.
    const bytes = RunFunctionRequest.encode(request).finish();
    const sent = RunFunctionRequest.decode(bytes);
    let received: RunFunctionResponse;
    try {
      received = overWire(RunFunctionResponse, await run(RunFunctionRequest.decode(bytes)));
    } catch (err) {
      return { error: err instanceof Error ? err.message : String(err) };
    }
    record(iteration, sent, received);
    const fatal = received.results.some((r) => r.severity === Severity.SEVERITY_FATAL);
    if (fatal || sameRequirements(received.requirements, previous)) return { response: received };
    previous = received.requirements;
    request = {
      ...request,
      requiredResources: { ...bootstrap, ...fetchAll(cluster, previous?.resources ?? {}) },
      context: received.context,
    };
  }
  return {
    error: `requirements didn't stabilize after the maximum number of iterations (${MAX_REQUIREMENTS_ITERATIONS})`,
  };
}

function fetchAll(
  cluster: readonly KubeObject[],
  selectors: Readonly<Record<string, ResourceSelector>>,
): Record<string, Resources> {
  return Object.fromEntries(
    Object.entries(selectors).map(([key, selector]) => [key, selectResources(cluster, selector)]),
  );
}

// sameRequirements compares like protobuf equality: absent differs from present but empty.
function sameRequirements(a: Requirements | undefined, b: Requirements | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return stableStringify(Requirements.toJSON(a)) === stableStringify(Requirements.toJSON(b));
}

interface Codec<T> {
  encode(message: T): { finish(): Uint8Array };
  decode(bytes: Uint8Array): T;
}

// overWire encodes and decodes a message, so both sides see exactly what gRPC would deliver.
function overWire<T>(codec: Codec<T>, message: T): T {
  return codec.decode(codec.encode(message).finish());
}

// tagOf hashes the request without its meta, like Crossplane's tag (not byte-identical to it).
function tagOf(request: RunFunctionRequest): string {
  const bytes = RunFunctionRequest.encode({ ...request, meta: undefined }).finish();
  return createHash('sha256').update(bytes).digest('hex');
}

function stepCredentials(
  step: KubeObject,
  secrets: readonly KubeObject[],
): Record<string, Credentials> {
  const list = step['credentials'];
  if (!Array.isArray(list)) return {};
  const credentials: Record<string, Credentials> = {};
  for (const entry of list as unknown[]) {
    const name = stringAt(entry, 'name');
    const ref = objectAt(entry, 'secretRef');
    if (name === undefined || stringAt(entry, 'source') !== 'Secret' || ref === undefined) continue;
    const wanted = {
      name: stringAt(ref, 'name') ?? '',
      namespace: stringAt(ref, 'namespace') ?? '',
    };
    const secret = secrets.find(
      (s) => refOf(s).name === wanted.name && refOf(s).namespace === wanted.namespace,
    );
    if (secret === undefined)
      throw new Error(`cannot get credentials from secret "${wanted.name}"`);
    credentials[name] = { credentialData: { data: secretData(secret) } };
  }
  return credentials;
}

function resultDocument(step: string, result: Result): KubeObject {
  const severity = Severity[result.severity] as string | undefined;
  return {
    apiVersion: RENDER_API_VERSION,
    kind: 'Result',
    step,
    severity: severity ?? 'SEVERITY_UNSPECIFIED',
    message: result.message,
  };
}

function pipelineOf(spec: KubeObject | undefined): KubeObject[] {
  const pipeline = spec?.['pipeline'];
  if (!Array.isArray(pipeline) || !pipeline.every(isObject)) {
    throw new Error('spec.pipeline must be a list of steps');
  }
  return clone(pipeline);
}

function functionNameOf(step: KubeObject): string {
  const name = stringAt(objectAt(step, 'functionRef'), 'name');
  if (name === undefined) throw new Error(`step "${String(step['step'])}" has no functionRef.name`);
  return name;
}

function runnersFor(
  pipeline: readonly KubeObject[],
  functions: readonly KubeObject[],
  steps: StepRunners,
): StepRunners {
  const runners: StepRunners = { [PATCH_AND_TRANSFORM]: runPatchAndTransform, ...steps };
  const listed = new Set(
    functions.filter((f) => refOf(f).kind === 'Function').map((f) => refOf(f).name),
  );
  for (const step of pipeline) {
    const name = functionNameOf(step);
    if (!listed.has(name)) {
      throw new Error(`unknown Function "${name}" - does it exist in your Functions file?`);
    }
    if (!(name in runners)) missingRunner(name);
  }
  return runners;
}

function missingRunner(name: string): never {
  throw new Error(`no step runner for Function "${name}": pass one in steps`);
}

// checkComposition makes the checks render makes before it calls any function.
function checkComposition(xr: KubeObject, composition: KubeObject): void {
  const spec = objectAt(composition, 'spec');
  const typeRef = objectAt(spec, 'compositeTypeRef');
  const { apiVersion, kind } = refOf(xr);
  if (stringAt(typeRef, 'apiVersion') !== apiVersion || stringAt(typeRef, 'kind') !== kind) {
    throw new Error(`composition's compositeTypeRef does not match the XR's ${apiVersion} ${kind}`);
  }
  const selector =
    objectAt(objectAt(objectAt(xr, 'spec'), 'crossplane'), 'compositionSelector') ??
    objectAt(objectAt(xr, 'spec'), 'compositionSelector');
  const labels = labelsOf(composition);
  for (const [key, value] of Object.entries(objectAt(selector, 'matchLabels') ?? {})) {
    if (labels[key] !== value) {
      throw new Error(
        `composition "${refOf(composition).name}" lacks label "${key}": "${String(value)}"`,
      );
    }
  }
  if (stringAt(spec, 'mode') !== 'Pipeline') {
    throw new Error(
      'render only supports Composition Function pipelines: spec.mode must be Pipeline',
    );
  }
}

function observedState(xr: KubeObject, observed: readonly KubeObject[]): State {
  return {
    composite: asResource(xr),
    resources: Object.fromEntries(
      observed.map((o) => [annotationsOf(o)[COMPOSITION_RESOURCE_NAME] ?? '', asResource(o)]),
    ),
  };
}

function asResource(obj: KubeObject): Resource {
  return { resource: clone(obj), connectionDetails: {}, ready: Ready.READY_UNSPECIFIED };
}

// compositeDocument is the XR as render prints it: the desired composite (its status), named
// after the input XR, with the Ready condition render derives and the steps' own conditions.
function compositeDocument(
  xr: KubeObject,
  desired: State | undefined,
  conditions: Condition[],
): KubeObject {
  const doc: KubeObject = clone(desired?.composite?.resource ?? {});
  const { apiVersion, kind, namespace, name } = refOf(xr);
  doc['apiVersion'] = apiVersion;
  doc['kind'] = kind;
  const metadata = ensureObject(doc, 'metadata');
  metadata['name'] = name;
  setOrRemove(metadata, 'namespace', namespace);
  const status = ensureObject(doc, 'status');
  const existing = Array.isArray(status['conditions']) ? (status['conditions'] as unknown[]) : [];
  const added = [
    readyCondition(desired),
    ...conditions.filter((c) => !SYSTEM_CONDITIONS.has(c.type)).map(conditionDocument),
  ];
  status['conditions'] = [
    ...existing.filter((c) => !added.some((a) => a['type'] === stringAt(c, 'type'))),
    ...added,
  ];
  return doc;
}

function readyCondition(desired: State | undefined): KubeObject {
  const unready = Object.entries(desired?.resources ?? {})
    .filter(([, r]) => r.ready !== Ready.READY_TRUE)
    .map(([name]) => name);
  const ready = desired?.composite?.ready ?? Ready.READY_UNSPECIFIED;
  const creating = {
    type: 'Ready',
    status: 'False',
    reason: 'Creating',
    lastTransitionTime: CONDITION_TIME,
  };
  if (ready === Ready.READY_FALSE) return creating;
  if (ready === Ready.READY_UNSPECIFIED && unready.length > 0) {
    return { ...creating, message: `Unready resources: ${firstNAndSomeMore(3, unready)}` };
  }
  return { type: 'Ready', status: 'True', reason: 'Available', lastTransitionTime: CONDITION_TIME };
}

// firstNAndSomeMore lists names the way Crossplane's condition messages do, sorted.
function firstNAndSomeMore(n: number, names: readonly string[]): string {
  const sorted = [...names].sort(compare);
  if (sorted.length > n) return `${sorted.slice(0, n).join(', ')}, and ${sorted.length - n} more`;
  if (sorted.length === n)
    return `${sorted.slice(0, n - 1).join(', ')}, and ${sorted[n - 1] ?? ''}`;
  return sorted.join(', ');
}

function conditionDocument(condition: Condition): KubeObject {
  const status =
    condition.status === Status.STATUS_CONDITION_TRUE
      ? 'True'
      : condition.status === Status.STATUS_CONDITION_FALSE
        ? 'False'
        : 'Unknown';
  return {
    type: condition.type,
    status,
    reason: condition.reason,
    lastTransitionTime: CONDITION_TIME,
    ...(condition.message === undefined || condition.message === ''
      ? {}
      : { message: condition.message }),
  };
}

// composedDocuments are the composed resources as render prints them, sorted by resource name:
// an existing resource keeps its observed name, and each gets the metadata Crossplane adds.
function composedDocuments(
  xr: KubeObject,
  observed: readonly KubeObject[],
  desired: State | undefined,
): KubeObject[] {
  const entries = Object.entries(desired?.resources ?? {}).sort(([a], [b]) => compare(a, b));
  return entries.map(([name, resource]) => {
    const doc: KubeObject = clone(resource.resource ?? {});
    const metadata = ensureObject(doc, 'metadata');
    const existing = observed.find((o) => annotationsOf(o)[COMPOSITION_RESOURCE_NAME] === name);
    if (existing !== undefined) {
      setOrRemove(metadata, 'namespace', refOf(existing).namespace);
      setOrRemove(metadata, 'name', refOf(existing).name);
      setOrRemove(
        metadata,
        'generateName',
        stringAt(objectAt(existing, 'metadata'), 'generateName') ?? '',
      );
    }
    setComposedResourceMetadata(metadata, xr, name);
    return doc;
  });
}

function setComposedResourceMetadata(metadata: KubeObject, xr: KubeObject, name: string): void {
  const xrRef = refOf(xr);
  const prefix = labelsOf(xr)[COMPOSITE_LABEL] ?? xrRef.name;
  if (
    stringAt(metadata, 'name') === undefined &&
    stringAt(metadata, 'generateName') === undefined
  ) {
    metadata['generateName'] = `${prefix}-`;
  }
  if (xrRef.namespace !== '') metadata['namespace'] = xrRef.namespace;
  ensureObject(metadata, 'annotations')[COMPOSITION_RESOURCE_NAME] = name;
  const labels = ensureObject(metadata, 'labels');
  labels[COMPOSITE_LABEL] = prefix;
  for (const claimLabel of ['crossplane.io/claim-name', 'crossplane.io/claim-namespace']) {
    const value = labelsOf(xr)[claimLabel];
    if (value !== undefined) labels[claimLabel] = value;
  }
  const uid = stringAt(objectAt(xr, 'metadata'), 'uid') ?? '';
  const owner = {
    apiVersion: xrRef.apiVersion,
    kind: xrRef.kind,
    name: xrRef.name,
    uid,
    controller: true,
    blockOwnerDeletion: true,
  };
  const others = Array.isArray(metadata['ownerReferences'])
    ? (metadata['ownerReferences'] as unknown[])
    : [];
  metadata['ownerReferences'] = [...others.filter((o) => stringAt(o, 'uid') !== uid), owner];
}

interface OperationParts {
  readonly apiVersion: string;
  readonly metadata: KubeObject;
  readonly spec: KubeObject | undefined;
}

// operationOf takes an Operation, or the Operation a CronOperation or WatchOperation would create
// (its template's metadata, named after the parent, as render names it).
function operationOf(doc: KubeObject): OperationParts {
  const { apiVersion, kind, name } = refOf(doc);
  if (kind === 'Operation') {
    return {
      apiVersion,
      metadata: clone(objectAt(doc, 'metadata') ?? {}),
      spec: objectAt(doc, 'spec'),
    };
  }
  if (kind !== 'CronOperation' && kind !== 'WatchOperation') {
    throw new Error(`not an operation type: ${kind}/${name}`);
  }
  const template = objectAt(objectAt(doc, 'spec'), 'operationTemplate');
  const metadata = clone(objectAt(template, 'metadata') ?? {});
  metadata['name'] = name;
  return { apiVersion, metadata, spec: objectAt(template, 'spec') };
}

// injectWatchedResource adds the watched resource to every step's requirements, as the
// WatchOperation controller does for the Operations it creates.
function injectWatchedResource(pipeline: readonly KubeObject[], watched: KubeObject): void {
  const { apiVersion, kind, namespace, name } = refOf(watched);
  const selector = {
    requirementName: WATCHED_RESOURCE,
    apiVersion,
    kind,
    name,
    ...(namespace === '' ? {} : { namespace }),
  };
  for (const step of pipeline) {
    const requirements = ensureObject(step, 'requirements');
    const list = Array.isArray(requirements['requiredResources'])
      ? (requirements['requiredResources'] as unknown[])
      : [];
    requirements['requiredResources'] = [...list, selector];
  }
}

// appliedResourceRefs lists what an Operation applied, sorted as the controller sorts them.
function appliedResourceRefs(resources: readonly KubeObject[]): KubeObject[] {
  const key = (r: ObjectRef) => `${r.apiVersion}${r.kind}${r.namespace}${r.name}`;
  return resources
    .map(refOf)
    .sort((a, b) => compare(key(a), key(b)))
    .map(({ apiVersion, kind, namespace, name }) => ({
      apiVersion,
      kind,
      name,
      ...(namespace === '' ? {} : { namespace }),
    }));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
