/**
 * Reading the facts the function sends: the last `<facts>` block of a text, YAML as
 * `formatFacts` writes it (or JSON, which YAML reads too), checked against the `Facts` the
 * function builds.
 */
import { parse } from 'yaml';
import { z } from 'zod';

import type { Facts } from '../../src/advisor/facts.js';
import { formatIssues, issueText } from '../../src/input/format-issues.js';
import { METRIC_UNITS } from '../../src/resource/performance-metrics.js';
import type { MetricName } from '../../src/resource/performance-metrics.js';
import type { FactsReading } from './policy.js';

const classFacts = z.object({ name: z.string(), vcpus: z.number(), memoryGiB: z.number() });

const metricName = z.custom<MetricName>(
  (value) => typeof value === 'string' && Object.hasOwn(METRIC_UNITS, value),
  { error: 'is not a metric the function reads' },
);

// Typed as Facts, so a change to the facts the function sends fails this build until the fake
// reads the new shape.
const factsSchema: z.ZodType<Facts> = z.object({
  now: z.string(),
  database: z.object({
    kind: z.string(),
    namespace: z.string().exactOptional(),
    name: z.string(),
    engine: z.string().exactOptional(),
  }),
  class: classFacts,
  smaller: classFacts.exactOptional(),
  larger: classFacts.exactOptional(),
  metricsAt: z.string(),
  metrics: z.partialRecord(metricName, z.string()),
  percentOfClass: z.partialRecord(z.enum(['cpu', 'freeMemory', 'connections']), z.number()),
  scaleUpIfAny: z.object({
    cpuAbove: z.number(),
    freeMemoryBelow: z.number(),
    connectionsAbove: z.number(),
  }),
  scaleDownIfAll: z.object({
    cpuBelow: z.number(),
    freeMemoryAbove: z.number(),
    connectionsBelow: z.number(),
  }),
  scaleDown: z.object({
    conditionsHold: z.boolean(),
    quietMinutes: z.number().exactOptional(),
    windowMinutes: z.number(),
  }),
  cooldown: z.object({
    minutes: z.number(),
    lastScaled: z.string().exactOptional(),
  }),
  rules: z.object({ decision: z.string(), instanceClass: z.string(), reasoning: z.string() }),
});

const FACTS_BLOCK = /<facts>\s*([\s\S]*?)\s*<\/facts>/g;

/** readFacts finds the last facts block in a text and checks it. */
export function readFacts(text: string): FactsReading {
  const block = [...text.matchAll(FACTS_BLOCK)].at(-1)?.[1];
  if (block === undefined) {
    return { ok: false, problem: 'cannot read facts: no <facts> block in the last user message' };
  }
  const yaml = parseYaml(block);
  if (yaml === undefined) return { ok: false, problem: 'cannot read facts: not YAML' };
  const checked = factsSchema.safeParse(yaml, { error: issueText });
  if (!checked.success) {
    return { ok: false, problem: `cannot read facts: ${formatIssues(checked.error.issues)}` };
  }
  return { ok: true, facts: checked.data };
}

function parseYaml(text: string): unknown {
  try {
    // Errors throw; warnings are not the fake's to print.
    return parse(text, { logLevel: 'error' }) as unknown;
  } catch {
    return undefined;
  }
}
