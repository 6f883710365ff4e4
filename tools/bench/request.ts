/**
 * The composition example's request as the intelligent-scaling step receives it from
 * `crossplane render`: the observed XR with its metrics refreshed to now, the observed RDS
 * Instance, desired state with the Instance as the first step (function-patch-and-transform)
 * composed it, the step's Prompt input, the `claude` credential with an empty key, an empty tag.
 * With no last-analyzed annotation, every call is a full analysis on the rules.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { Capability, Ready, RunFunctionRequest } from '@crossplane-org/function-sdk-typescript';
import type { State } from '@crossplane-org/function-sdk-typescript';
import { parseAllDocuments } from 'yaml';

import type * as RefreshMetrics from '../../scripts/refresh-metrics.js';

type Json = Record<string, unknown>;

/** repoRoot finds the repository from this module, whether it runs from tools/ or build/tools/. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'examples'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the repository root above tools/bench');
    dir = parent;
  }
  return dir;
}

/** isJson tells a JSON object from every other JSON value. */
export function isJson(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** at reads a dotted field path, as patches name fields. */
export function at(obj: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((node, key) => (isJson(node) ? node[key] : undefined), obj);
}

/** setAt writes a dotted field path, making the objects on the way. */
export function setAt(obj: Json, path: string, value: unknown): void {
  const keys = path.split('.');
  const last = keys.pop() ?? '';
  let node = obj;
  for (const key of keys) {
    const next = node[key];
    const child: Json = isJson(next) ? next : {};
    node[key] = child;
    node = child;
  }
  node[last] = value;
}

function loadYaml(root: string, path: string): Json[] {
  return parseAllDocuments(readFileSync(join(root, 'examples', path), 'utf8'))
    .map((doc) => {
      const value: unknown = doc.toJS();
      return value;
    })
    .filter(isJson);
}

function only(root: string, path: string): Json {
  const [doc, ...rest] = loadYaml(root, path);
  if (doc === undefined || rest.length > 0) throw new Error(`"${path}" must hold one document`);
  return doc;
}

function step(composition: Json, name: string): Json {
  const pipeline = at(composition, 'spec.pipeline');
  const steps: unknown[] = Array.isArray(pipeline) ? pipeline : [];
  const found = steps.find((s) => at(s, 'step') === name);
  if (!isJson(found)) throw new Error(`the example Composition has no step "${name}"`);
  return found;
}

/**
 * composeInstance renders the first step's one resource template as function-patch-and-transform
 * does: the base, the observed name and namespace, then each FromCompositeFieldPath patch.
 */
function composeInstance(composition: Json, xr: Json, observed: Json): Json {
  const resources = at(step(composition, 'compose-rds-instance'), 'input.resources');
  const template: unknown = Array.isArray(resources) ? resources[0] : undefined;
  const base = at(template, 'base');
  if (!isJson(base)) throw new Error('the example Composition composes no resource base');
  const composed = structuredClone(base);
  composed['metadata'] = {
    name: at(observed, 'metadata.name'),
    namespace: at(observed, 'metadata.namespace'),
  };
  const patches = at(template, 'patches');
  for (const patch of Array.isArray(patches) ? patches : []) {
    const from = at(patch, 'fromFieldPath');
    const to = at(patch, 'toFieldPath');
    if (at(patch, 'type') !== 'FromCompositeFieldPath' || typeof from !== 'string') continue;
    const value = at(xr, from);
    if (value !== undefined)
      setAt(composed, typeof to === 'string' ? to : from, structuredClone(value));
  }
  return composed;
}

/** secretBytes decodes a Secret's base64 data, as render sends credentials. */
function secretBytes(secret: Json): Record<string, Buffer> {
  const data = at(secret, 'data');
  return Object.fromEntries(
    Object.entries(isJson(data) ? data : {}).map(([key, value]) => [
      key,
      Buffer.from(typeof value === 'string' ? value : '', 'base64'),
    ]),
  );
}

/** What Crossplane v2.2 advertises to a composition function. */
const CAPABILITIES = [
  Capability.CAPABILITY_CAPABILITIES,
  Capability.CAPABILITY_REQUIRED_RESOURCES,
  Capability.CAPABILITY_CREDENTIALS,
  Capability.CAPABILITY_CONDITIONS,
  Capability.CAPABILITY_REQUIRED_SCHEMAS,
];

/** ExampleRequest builds the request anew for a moment, so its metrics are never stale. */
export type ExampleRequest = (now: Date) => RunFunctionRequest;

/** loadExampleRequest reads the example files once and returns a builder of the request. */
export async function loadExampleRequest(root: string = repoRoot()): Promise<ExampleRequest> {
  const script = pathToFileURL(join(root, 'scripts', 'refresh-metrics.js')).href;
  const { freshMetrics } = (await import(script)) as typeof RefreshMetrics;
  const xr = only(root, 'composition/xr.yaml');
  const composition = only(root, 'composition/composition.yaml');
  const [observed] = loadYaml(root, 'composition/observed.yaml');
  const [secret] = loadYaml(root, 'composition/secrets.yaml');
  if (observed === undefined || secret === undefined) throw new Error('an example file is empty');
  const annotations = at(observed, 'metadata.annotations');
  const resourceName = isJson(annotations)
    ? annotations['crossplane.io/composition-resource-name']
    : undefined;
  if (typeof resourceName !== 'string')
    throw new Error('observed.yaml names no composition resource');
  const desired: State = {
    // function-patch-and-transform leaves the composite's identity and nothing else.
    composite: {
      resource: { apiVersion: xr['apiVersion'], kind: xr['kind'] },
      connectionDetails: {},
      ready: Ready.READY_UNSPECIFIED,
    },
    resources: {
      [resourceName]: {
        resource: composeInstance(composition, xr, observed),
        connectionDetails: {},
        // The observed Instance's Ready condition is True.
        ready: Ready.READY_TRUE,
      },
    },
  };
  const input = at(step(composition, 'intelligent-scaling'), 'input');
  return (now) =>
    RunFunctionRequest.fromPartial({
      meta: { tag: '', capabilities: CAPABILITIES },
      observed: {
        composite: { resource: freshMetrics(xr, now) },
        resources: { [resourceName]: { resource: observed } },
      },
      desired,
      input: isJson(input) ? input : undefined,
      context: { 'apiextensions.crossplane.io/environment': {} },
      credentials: { claude: { credentialData: { data: secretBytes(secret) } } },
    });
}
