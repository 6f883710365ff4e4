/**
 * Loading the examples the way the crossplane CLI does: YAML streams of Kubernetes objects, and
 * Secrets whose base64 `data` becomes bytes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

import { parseAllDocuments } from 'yaml';

import { isObject, objectAt, refOf } from './objects.js';
import type { KubeObject } from './objects.js';

/** EXAMPLES_DIR is the absolute path of the repository's examples/ folder. */
export const EXAMPLES_DIR = fileURLToPath(new URL('../../examples/', import.meta.url));

/** examplePath resolves a path under examples/, for example examplePath('composition/xr.yaml'). */
export function examplePath(path: string): string {
  return join(EXAMPLES_DIR, path);
}

/**
 * loadYamlDocuments reads every document of a YAML stream, skipping empty ones as the CLI does.
 * It throws on a syntax error or a document that is not an object.
 */
export function loadYamlDocuments(path: string): KubeObject[] {
  return parseAllDocuments(readFileSync(path, 'utf8')).flatMap((doc, index) => {
    const [problem] = doc.errors;
    if (problem !== undefined) {
      throw new Error(`cannot parse YAML document ${index + 1} of "${path}": ${problem.message}`);
    }
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) return [];
    if (!isObject(value))
      throw new Error(`YAML document ${index + 1} of "${path}" is not an object`);
    return [value];
  });
}

/** loadYamlDocument reads a file that must hold exactly one object, as render's xr.yaml must. */
export function loadYamlDocument(path: string): KubeObject {
  const docs = loadYamlDocuments(path);
  const [doc] = docs;
  if (doc === undefined || docs.length > 1) {
    throw new Error(`"${path}" must hold exactly one YAML document, not ${docs.length}`);
  }
  return doc;
}

/** loadExample loads the YAML stream at a path under examples/. */
export function loadExample(path: string): KubeObject[] {
  return loadYamlDocuments(examplePath(path));
}

/** exampleYamlFiles lists every .yaml and .yml file under examples/, relative to it, sorted. */
export function exampleYamlFiles(dir: string = EXAMPLES_DIR): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.ya?ml$/.test(entry.name))
    .map((entry) => relative(EXAMPLES_DIR, join(entry.parentPath, entry.name)))
    .sort();
}

/**
 * secretData decodes a Secret's base64 `data` into bytes, as render loads --function-credentials.
 * Like render (and unlike the API server) it ignores `stringData`.
 */
export function secretData(secret: KubeObject): Record<string, Buffer> {
  const data = objectAt(secret, 'data') ?? {};
  return Object.fromEntries(
    Object.entries(data).map(([key, value]) => {
      if (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) {
        const { namespace, name } = refOf(secret);
        throw new Error(`Secret "${namespace}/${name}" key "${key}" is not base64`);
      }
      return [key, Buffer.from(value, 'base64')];
    }),
  );
}
