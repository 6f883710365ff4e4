// refresh-metrics prints a YAML file with every timestamp under status.performanceMetrics moved
// to just before now, keeping their spacing, comments and quoting, so `crossplane render` sees
// metrics the function does not dismiss as stale (it ignores metrics older than maxMetricsAge).
//
//   node scripts/refresh-metrics.js examples/composition/xr.yaml > /tmp/xr.yaml
//
// The test harness imports freshMetrics from here, so the timestamp logic lives in one place.
// This is a .js file, not .mjs, because the linter type-checks every other extension.
import { readFileSync } from 'node:fs';
import process from 'node:process';
import { pathToFileURL } from 'node:url';

import { parseAllDocuments } from 'yaml';

/** FRESHNESS_MARGIN_SECONDS is how long before now the newest refreshed timestamp lands. */
export const FRESHNESS_MARGIN_SECONDS = 30;

const RFC3339 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * metricTimestampUpdates lists the new value of every RFC 3339 timestamp under
 * status.performanceMetrics of obj: all shifted by one whole number of seconds, so the newest
 * lands FRESHNESS_MARGIN_SECONDS before now. Paths start at obj's root.
 */
export function metricTimestampUpdates(obj, now) {
  const metrics = obj?.status?.performanceMetrics;
  if (metrics === undefined || metrics === null) return [];
  const found = timestamps(metrics, ['status', 'performanceMetrics']);
  if (found.length === 0) return [];
  const newest = Math.max(...found.map((t) => t.seconds));
  const target = Math.floor(now.getTime() / 1000) - FRESHNESS_MARGIN_SECONDS;
  const shift = target - newest;
  return found.map((t) => ({ path: t.path, value: format(t.seconds + shift, t.fraction) }));
}

/** freshMetrics returns a copy of obj with metricTimestampUpdates applied. */
export function freshMetrics(obj, now) {
  const copy = globalThis.structuredClone(obj);
  for (const { path, value } of metricTimestampUpdates(copy, now)) {
    const parent = path.slice(0, -1).reduce((node, key) => node[key], copy);
    parent[path.at(-1)] = value;
  }
  return copy;
}

function timestamps(value, path) {
  if (typeof value === 'string') {
    const match = RFC3339.exec(value);
    if (match === null) return [];
    const [, seconds, fraction = '', zone] = match;
    return [{ path, seconds: Date.parse(`${seconds}${zone}`) / 1000, fraction }];
  }
  if (Array.isArray(value)) return value.flatMap((item, i) => timestamps(item, [...path, i]));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, item]) => timestamps(item, [...path, key]));
  }
  return [];
}

function format(seconds, fraction) {
  return `${new Date(seconds * 1000).toISOString().slice(0, 19)}${fraction}Z`;
}

// refresh rewrites the timestamp scalars of every document in place, keeping their quoting.
function refresh(text, now) {
  const docs = parseAllDocuments(text);
  for (const doc of docs) {
    if (doc.errors.length > 0) throw new Error(doc.errors[0].message);
    for (const { path, value } of metricTimestampUpdates(doc.toJS(), now)) {
      doc.getIn(path, true).value = value;
    }
  }
  return docs.map((doc, i) => (i === 0 || doc.directives?.docStart ? '' : '---\n') + String(doc));
}

function main(args) {
  if (args.length !== 1) {
    process.stderr.write('usage: node scripts/refresh-metrics.js FILE.yaml > OUT.yaml\n');
    return 2;
  }
  try {
    process.stdout.write(refresh(readFileSync(args[0], 'utf8'), new Date()).join(''));
    return 0;
  } catch (err) {
    process.stderr.write(`cannot refresh metrics in "${args[0]}": ${String(err)}\n`);
    return 1;
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main(process.argv.slice(2));
}
