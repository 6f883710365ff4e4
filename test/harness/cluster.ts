/**
 * A stand-in for the cluster Crossplane reads required resources from: a list of objects, and the
 * selector matching Crossplane applies to them.
 */
import { Ready } from '@crossplane-org/function-sdk-typescript';
import type {
  Resource,
  ResourceSelector,
  Resources,
} from '@crossplane-org/function-sdk-typescript';

import { clone, isObject, labelsOf, refOf, stringAt, stringMap } from './objects.js';
import type { KubeObject } from './objects.js';

/**
 * selectResources returns the objects a selector matches, as Crossplane fetches them: by
 * apiVersion and kind, then by name (at most one) or by labels (sorted by namespace and name),
 * or every object of the kind when the selector names neither. A namespace, when given, must
 * match; without one, objects in any namespace match, as for a label selector across namespaces.
 * No match is an empty list: the required resource's key is present with no items.
 */
export function selectResources(
  cluster: readonly KubeObject[],
  selector: ResourceSelector,
): Resources {
  const candidates = cluster.filter((obj) => {
    const ref = refOf(obj);
    if (ref.apiVersion !== selector.apiVersion || ref.kind !== selector.kind) return false;
    return selector.namespace === undefined || selector.namespace === ref.namespace;
  });
  const matched =
    selector.matchName !== undefined
      ? candidates.filter((obj) => refOf(obj).name === selector.matchName).slice(0, 1)
      : candidates.filter((obj) => labelsMatch(labelsOf(obj), selector.matchLabels?.labels ?? {}));
  return { items: sortByNamespacedName(matched).map(asResource) };
}

function labelsMatch(labels: Record<string, string>, wanted: Record<string, string>): boolean {
  return Object.entries(wanted).every(([key, value]) => labels[key] === value);
}

function sortByNamespacedName(objects: readonly KubeObject[]): KubeObject[] {
  const key = (obj: KubeObject) => `${refOf(obj).namespace}/${refOf(obj).name}`;
  return [...objects].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

function asResource(obj: KubeObject): Resource {
  return { resource: clone(obj), connectionDetails: {}, ready: Ready.READY_UNSPECIFIED };
}

/** A NamedSelector is a step requirement: the key it fills and what it selects. */
export interface NamedSelector {
  readonly requirementName: string;
  readonly selector: ResourceSelector;
}

/**
 * stepRequirements reads a pipeline step's `requirements.requiredResources`, the bootstrap
 * requirements of a Composition or Operation step, into protobuf selectors.
 */
export function stepRequirements(step: KubeObject): NamedSelector[] {
  const requirements = step['requirements'];
  const list = isObject(requirements) ? requirements['requiredResources'] : undefined;
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw new Error('requirements.requiredResources must be a list');
  return list.map((entry: unknown) => toNamedSelector(entry));
}

function toNamedSelector(entry: unknown): NamedSelector {
  const requirementName = stringAt(entry, 'requirementName');
  const apiVersion = stringAt(entry, 'apiVersion');
  const kind = stringAt(entry, 'kind');
  if (requirementName === undefined || apiVersion === undefined || kind === undefined) {
    throw new Error('a required resource needs requirementName, apiVersion and kind');
  }
  const name = stringAt(entry, 'name');
  const namespace = stringAt(entry, 'namespace');
  const matchLabels = isObject(entry) && isObject(entry['matchLabels']);
  if ((name === undefined) === !matchLabels) {
    throw new Error(`required resource "${requirementName}" needs either name or matchLabels`);
  }
  const selector: ResourceSelector = {
    apiVersion,
    kind,
    ...(name === undefined ? {} : { matchName: name }),
    ...(matchLabels ? { matchLabels: { labels: stringMap(entry, 'matchLabels') } } : {}),
    ...(namespace === undefined ? {} : { namespace }),
  };
  return { requirementName, selector };
}
