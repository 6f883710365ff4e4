/**
 * The input CRD against the zod schema the function enforces, field by field, and every Prompt
 * input in examples/ through readInput, so neither the CRD nor an example can drift from the code.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

import { describe, expect, test } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { z } from 'zod';

import { PROMPT_API_VERSION, PROMPT_KIND, PromptSchema } from '../../src/input/prompt.js';
import { readInput } from '../../src/input/read-input.js';

const root = join(import.meta.dirname, '..', '..');
const crdPath = join(root, 'package', 'input', 'intelligentscaling.fn.crossplane.io_prompts.yaml');
const examplesDir = join(root, 'examples');

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function field(value: unknown, ...path: string[]): unknown {
  let at = value;
  for (const key of path)
    at = isRecord(at) ? at[key] : Array.isArray(at) ? at[Number(key)] : undefined;
  return at;
}

// The keywords both schemas must agree on. Others are one side's business: zod's
// additionalProperties: false is structural pruning in a CRD, x-kubernetes-* is CRD-only.
const scalarKeywords = [
  'type',
  'description',
  'default',
  'enum',
  'minimum',
  'maximum',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'pattern',
] as const;

/** shape keeps what a JSON Schema node says about a field's names, types, bounds and defaults. */
function shape(node: unknown): Json {
  if (!isRecord(node)) return {};
  const out: Json = {};
  for (const keyword of scalarKeywords) {
    const value =
      keyword === 'enum' && node['const'] !== undefined ? [node['const']] : node[keyword];
    if (value !== undefined) out[keyword] = value;
  }
  const required: unknown = node['required'];
  if (Array.isArray(required)) out['required'] = required.map(String).sort();
  const properties = node['properties'];
  if (isRecord(properties) && Object.keys(properties).length > 0) {
    out['properties'] = Object.fromEntries(
      Object.entries(properties).map(([name, child]) => [name, shape(child)]),
    );
  }
  if (node['items'] !== undefined) out['items'] = shape(node['items']);
  return out;
}

/** undescribed lists the paths of fields that have no description. */
function undescribed(node: Json, path = ''): string[] {
  const here = typeof node['description'] === 'string' && node['description'] !== '' ? [] : [path];
  const properties = isRecord(node['properties']) ? node['properties'] : {};
  const children = Object.entries(properties).flatMap(([name, child]) =>
    isRecord(child) ? undescribed(child, path === '' ? name : `${path}.${name}`) : [],
  );
  const items = isRecord(node['items']) ? undescribed(node['items'], `${path}[]`) : [];
  return [...here, ...children, ...items];
}

const crd: unknown = parse(readFileSync(crdPath, 'utf8'));
const versions = field(crd, 'spec', 'versions');
const version = field(versions, '0');
const crdSchema = field(version, 'schema', 'openAPIV3Schema');

describe('the input CRD', () => {
  test('declares the Prompt kind of this function’s apiVersion', () => {
    const [group, name] = PROMPT_API_VERSION.split('/');
    expect({
      apiVersion: field(crd, 'apiVersion'),
      kind: field(crd, 'kind'),
      name: field(crd, 'metadata', 'name'),
      group: field(crd, 'spec', 'group'),
      namesKind: field(crd, 'spec', 'names', 'kind'),
      scope: field(crd, 'spec', 'scope'),
      versions: Array.isArray(versions) ? versions.length : 0,
      version: field(version, 'name'),
      served: field(version, 'served'),
      storage: field(version, 'storage'),
    }).toEqual({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      name: `prompts.${group ?? ''}`,
      group,
      namesKind: PROMPT_KIND,
      scope: 'Namespaced',
      versions: 1,
      version: name,
      served: true,
      storage: true,
    });
  });

  test('has the fields, types, bounds and defaults of the zod schema', () => {
    const zodSchema = z.toJSONSchema(PromptSchema, { io: 'input' });
    expect(shape(crdSchema)).toEqual(shape(zodSchema));
  });

  test('describes every field', () => {
    expect(isRecord(crdSchema) ? undescribed(crdSchema) : ['openAPIV3Schema']).toEqual([]);
  });
});

interface FoundInput {
  where: string;
  input: Json;
}

function yamlFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => join(dir, name));
}

/** promptInputs finds every `input:` block of kind Prompt anywhere in a YAML value. */
function promptInputs(value: unknown, where: string): FoundInput[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => promptInputs(item, `${where}[${i}]`));
  if (!isRecord(value)) return [];
  return Object.entries(value).flatMap(([key, child]) => {
    const path = `${where}.${key}`;
    if (key === 'input' && isRecord(child) && child['kind'] === PROMPT_KIND) {
      return [{ where: path, input: child }];
    }
    return promptInputs(child, path);
  });
}

const unreadable: string[] = [];
const found: FoundInput[] = yamlFiles(examplesDir).flatMap((file) => {
  const name = relative(root, file);
  return parseAllDocuments(readFileSync(file, 'utf8')).flatMap((doc, index) => {
    if (doc.errors.length > 0) {
      unreadable.push(`${name} document ${index}: ${doc.errors[0]?.message ?? ''}`);
      return [];
    }
    return promptInputs(doc.toJS(), `${name} document ${index}: $`);
  });
});

describe('the Prompt inputs in examples/', () => {
  test('parse as YAML', () => {
    expect(unreadable).toEqual([]);
  });

  test('include the Composition and the Operations', () => {
    expect(found.length).toBeGreaterThanOrEqual(3);
  });

  test.each(found.map(({ where, input }) => [where, input] as const))(
    'are accepted: %s',
    (_where, input) => {
      const reading = readInput(input);
      expect(reading.ok ? 'accepted' : reading.message).toBe('accepted');
    },
  );
});
