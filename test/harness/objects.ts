/**
 * Plain-object helpers for Kubernetes objects as the harness holds them: untyped JSON from YAML
 * or from a protobuf Struct, read and written by Crossplane-style field paths.
 */

/** KubeObject is a Kubernetes object, or any JSON object, as parsed from YAML or a Struct. */
export type KubeObject = Record<string, unknown>;

/** isObject reports whether a value is a JSON object (not an array, not null). */
export function isObject(value: unknown): value is KubeObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** clone deep-copies a JSON value, so the harness never shares state with a step. */
export function clone<T>(value: T): T {
  return structuredClone(value);
}

/** objectAt returns the object under key, or undefined when there is none. */
export function objectAt(obj: unknown, key: string): KubeObject | undefined {
  if (!isObject(obj)) return undefined;
  const value = obj[key];
  return isObject(value) ? value : undefined;
}

/** stringAt returns the string under key, or undefined when there is none. */
export function stringAt(obj: unknown, key: string): string | undefined {
  if (!isObject(obj)) return undefined;
  const value = obj[key];
  return typeof value === 'string' ? value : undefined;
}

/** ensureObject returns the object under key, creating it when it is missing. */
export function ensureObject(obj: KubeObject, key: string): KubeObject {
  const existing = obj[key];
  if (isObject(existing)) return existing;
  const created: KubeObject = {};
  obj[key] = created;
  return created;
}

/** stringMap returns the string entries of the object under key (labels, annotations). */
export function stringMap(obj: unknown, key: string): Record<string, string> {
  const map = objectAt(obj, key) ?? {};
  return Object.fromEntries(
    Object.entries(map).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}

/** ObjectRef identifies an object by apiVersion, kind, namespace and name. */
export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

/** refOf reads an object's identity; missing fields read as empty strings. */
export function refOf(obj: unknown): ObjectRef {
  const metadata = objectAt(obj, 'metadata');
  return {
    apiVersion: stringAt(obj, 'apiVersion') ?? '',
    kind: stringAt(obj, 'kind') ?? '',
    namespace: stringAt(metadata, 'namespace') ?? '',
    name: stringAt(metadata, 'name') ?? '',
  };
}

/** labelsOf returns an object's labels. */
export function labelsOf(obj: unknown): Record<string, string> {
  return stringMap(objectAt(obj, 'metadata'), 'labels');
}

/** annotationsOf returns an object's annotations. */
export function annotationsOf(obj: unknown): Record<string, string> {
  return stringMap(objectAt(obj, 'metadata'), 'annotations');
}

/**
 * setOrRemove sets a string field, or removes it when the value is empty: what Go's unstructured
 * setters do, so an empty namespace never appears in output.
 */
export function setOrRemove(obj: KubeObject, key: string, value: string): void {
  if (value === '') {
    Reflect.deleteProperty(obj, key);
    return;
  }
  obj[key] = value;
}

/** A FieldPathSegment is an object key or an array index. */
export type FieldPathSegment = string | number;

/**
 * parseFieldPath splits a Crossplane field path such as
 * `metadata.labels[crossplane.io/composite]` or `spec.items[0].name` into segments.
 */
export function parseFieldPath(path: string): FieldPathSegment[] {
  const segments: FieldPathSegment[] = [];
  const pattern = /([^.[\]]+)|\[([^\]]*)\]/g;
  for (const match of path.matchAll(pattern)) {
    const [, key, bracketed] = match;
    if (key !== undefined) segments.push(key);
    else if (bracketed !== undefined) {
      segments.push(/^\d+$/.test(bracketed) ? Number(bracketed) : bracketed);
    }
  }
  return segments;
}

/** FieldLookup is the result of reading a field path: whether it exists, and its value. */
export type FieldLookup =
  { readonly found: true; readonly value: unknown } | { readonly found: false };

/** getFieldPath reads a field path; a missing step anywhere along it means not found. */
export function getFieldPath(obj: unknown, path: string): FieldLookup {
  let current: unknown = obj;
  for (const segment of parseFieldPath(path)) {
    if (typeof segment === 'number') {
      if (!Array.isArray(current) || segment >= current.length) return { found: false };
      current = current[segment] as unknown;
    } else {
      if (!isObject(current) || !(segment in current)) return { found: false };
      current = current[segment];
    }
  }
  return { found: true, value: current };
}

/** setFieldPath writes a field path, creating the objects and arrays along it. */
export function setFieldPath(obj: KubeObject, path: string, value: unknown): void {
  const segments = parseFieldPath(path);
  const last = segments.at(-1);
  if (last === undefined) throw new Error(`cannot set field path "${path}": it is empty`);
  let current: KubeObject | unknown[] = obj;
  segments.slice(0, -1).forEach((segment, i) => {
    const nextIsIndex = typeof segments[i + 1] === 'number';
    current = childContainer(current, segment, nextIsIndex);
  });
  assign(current, last, value);
}

function childContainer(
  parent: KubeObject | unknown[],
  segment: FieldPathSegment,
  wantArray: boolean,
): KubeObject | unknown[] {
  const existing = read(parent, segment);
  if (wantArray ? Array.isArray(existing) : isObject(existing)) {
    return existing as KubeObject | unknown[];
  }
  const created: KubeObject | unknown[] = wantArray ? [] : {};
  assign(parent, segment, created);
  return created;
}

function read(parent: KubeObject | unknown[], segment: FieldPathSegment): unknown {
  if (Array.isArray(parent)) return typeof segment === 'number' ? parent[segment] : undefined;
  return typeof segment === 'string' ? parent[segment] : undefined;
}

function assign(parent: KubeObject | unknown[], segment: FieldPathSegment, value: unknown): void {
  if (Array.isArray(parent) !== (typeof segment === 'number')) {
    throw new Error(`cannot set "${String(segment)}": the field path does not match the object`);
  }
  (parent as Record<FieldPathSegment, unknown>)[segment] = value;
}

/** stableStringify is JSON.stringify with object keys sorted, for order-blind comparison. */
export function stableStringify(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    isObject(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
