/**
 * A catalogue of bad input, each sent to the built server through the composition example:
 * every case gets one clear line (a FATAL result for invalid input, a skipped status for bad
 * data), no case resizes the database, and the server keeps answering.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { insecureCredentials, newFunctionClient, newHealthClient } from '../harness/grpc-client.js';
import type { FunctionClient } from '../harness/grpc-client.js';
import type { KubeObject } from '../harness/objects.js';
import { freshMetrics, renderComposition } from '../harness/render.js';
import { startServer } from '../harness/server-process.js';
import type { ServerProcess } from '../harness/server-process.js';
import { examplePath, loadExample, loadYamlDocument } from '../harness/yaml-docs.js';

interface Example {
  readonly xr: KubeObject;
  readonly composition: KubeObject;
  readonly observed: KubeObject[];
}

function at(object: KubeObject | KubeObject[], ...path: (string | number)[]): KubeObject {
  let value: unknown = object;
  for (const key of path) value = (value as Record<string | number, unknown>)[key];
  return value as KubeObject;
}

const input = (e: Example) => at(e.composition, 'spec', 'pipeline', 1, 'input');
const spec = (e: Example) => at(input(e), 'spec');
const metrics = (e: Example) => at(e.xr, 'status', 'performanceMetrics', 'metrics');

interface Row {
  readonly name: string;
  readonly reason: string;
  readonly given: (e: Example) => void;
  readonly want:
    { readonly fatal: string } | { readonly skipped: string; readonly message: string };
}

const table: Row[] = [
  {
    name: 'wrong apiVersion',
    reason: 'an input for another function is not this one',
    given: (e) => (input(e)['apiVersion'] = 'pt.fn.crossplane.io/v1beta1'),
    want: {
      fatal:
        'cannot read input: apiVersion: expected one of "claude.fn.upbound.io/v1alpha1", "intelligentscaling.fn.crossplane.io/v1alpha1", got "pt.fn.crossplane.io/v1beta1"',
    },
  },
  {
    name: 'wrong type',
    reason: 'a threshold must be a number',
    given: (e) => (at(spec(e), 'scaleUp')['cpuPercent'] = 'high'),
    want: { fatal: 'cannot read input: spec.scaleUp.cpuPercent: expected number, got string' },
  },
  {
    name: 'unknown field',
    reason: 'a typo must not silently fall back to a default',
    given: (e) => (spec(e)['coolDown'] = '10m'),
    want: { fatal: 'cannot read input: spec.coolDown: unknown field' },
  },
  {
    name: 'ladder repeats a class',
    reason: 'a step along the ladder must change the class',
    given: (e) =>
      (spec(e)['ladder'] = ['db.t3.micro', 'db.t3.small', 'db.t3.micro', 'db.t3.large']),
    want: { fatal: 'cannot read input: spec.ladder: must not repeat "db.t3.micro"' },
  },
  {
    name: 'empty ladder',
    reason: 'a ladder with no class leaves nowhere to go',
    given: (e) => (spec(e)['ladder'] = []),
    want: {
      fatal:
        'cannot read input: spec.ladder: must not be empty; spec.minInstanceClass: "db.t3.micro" is not on spec.ladder; spec.maxInstanceClass: "db.t3.large" is not on spec.ladder',
    },
  },
  {
    name: 'many problems',
    reason: 'a long list is cut to a few problems and a count, so the message stays one line',
    given: (e) =>
      Object.assign(at(spec(e), 'scaleUp'), {
        cpuPercent: 'a',
        freeMemoryPercent: 'b',
        connectionsPercent: 'c',
        extra: 1,
      }),
    want: {
      fatal:
        'cannot read input: spec.scaleUp.cpuPercent: expected number, got string; spec.scaleUp.freeMemoryPercent: expected number, got string; spec.scaleUp.connectionsPercent: expected number, got string; and 1 more',
    },
  },
  {
    name: 'min above max',
    reason: 'bounds that exclude every class are a mistake',
    given: (e) =>
      Object.assign(spec(e), { minInstanceClass: 'db.t3.large', maxInstanceClass: 'db.t3.small' }),
    want: {
      fatal:
        'cannot read input: spec.minInstanceClass: "db.t3.large" is above spec.maxInstanceClass "db.t3.small"',
    },
  },
  {
    name: 'negative duration',
    reason: 'a cooldown cannot run backwards',
    given: (e) => (spec(e)['cooldown'] = '-5m'),
    want: { fatal: 'cannot read input: spec.cooldown: "-5m" is negative' },
  },
  {
    name: 'metrics missing',
    reason: 'no metrics step has run yet',
    given: (e) => delete at(e.xr, 'status')['performanceMetrics'],
    want: {
      skipped: 'UnusableMetrics',
      message: 'Not analysed: status.performanceMetrics is missing.',
    },
  },
  {
    name: 'metric value is a string',
    reason: 'malformed data is never acted on',
    given: (e) => (at(metrics(e), 'CPUUtilization')['value'] = '96'),
    want: {
      skipped: 'UnusableMetrics',
      message:
        'Not analysed: status.performanceMetrics.metrics.CPUUtilization.value: expected a finite number.',
    },
  },
  {
    name: 'metric in the wrong unit',
    reason: 'megabytes read as bytes would be a thousandfold wrong',
    given: (e) => (at(metrics(e), 'FreeableMemory')['unit'] = 'Megabytes'),
    want: {
      skipped: 'UnusableMetrics',
      message:
        'Not analysed: status.performanceMetrics.metrics.FreeableMemory.unit: expected "Bytes", got "Megabytes".',
    },
  },
  {
    name: 'CPU above 100%',
    reason: 'contradictory data is never acted on',
    given: (e) => (at(metrics(e), 'CPUUtilization')['value'] = 250),
    want: {
      skipped: 'UnusableMetrics',
      message: 'Not analysed: CPUUtilization 250% is above 100%.',
    },
  },
  {
    name: "another database's metrics",
    reason: 'a metrics step pointed at the wrong database must not resize this one',
    given: (e) => (at(e.xr, 'status', 'performanceMetrics')['databaseName'] = 'someone-else'),
    want: {
      skipped: 'UnusableMetrics',
      message:
        'Not analysed: metrics are for database "someone-else", not "rds-metrics-database-ai-scale" or "rds-metrics-database-ai-scale-7xq2k".',
    },
  },
  {
    name: 'unknown instance class',
    reason: 'without the class capacity, percentages mean nothing',
    given: (e) => {
      at(e.xr, 'spec', 'parameters')['instanceClass'] = 'db.x9.huge';
      at(e.observed, 0, 'status', 'atProvider')['instanceClass'] = 'db.x9.huge';
    },
    want: {
      skipped: 'UnknownClass',
      message: 'Not analysed: instance class "db.x9.huge" is not one this function knows.',
    },
  },
  {
    name: 'malformed annotation on the Instance',
    reason: 'state that cannot be read is left for the operator to fix',
    given: (e) =>
      (at(e.observed, 0, 'metadata', 'annotations')['intelligent-scaling/last-analyzed'] = 'soon'),
    want: {
      skipped: 'InvalidState',
      message:
        'Not analysed: annotation intelligent-scaling/last-analyzed: "soon" is not an RFC 3339 time.',
    },
  },
];

describe('bad input', () => {
  let server: ServerProcess;
  let client: FunctionClient;

  beforeAll(async () => {
    server = await startServer({ args: ['--insecure'] });
    client = newFunctionClient(server.address, insecureCredentials());
  });

  afterAll(async () => {
    client.close();
    await server.stop();
  });

  test.each(table)('$name: $reason', async ({ given, want }) => {
    const example: Example = {
      xr: freshMetrics(loadYamlDocument(examplePath('composition/xr.yaml')), new Date()),
      composition: loadYamlDocument(examplePath('composition/composition.yaml')),
      observed: loadExample('composition/observed.yaml'),
    };
    given(example);
    const out = await renderComposition({
      ...example,
      functions: loadExample('composition/functions.yaml'),
      credentials: loadExample('composition/secrets.yaml'),
      steps: { 'function-intelligent-scaling': (req) => client.runFunction(req) },
      includeResults: true,
    });
    if ('fatal' in want) {
      expect(out).toMatchObject({
        ok: false,
        error: `pipeline step "intelligent-scaling" returned a fatal result: ${want.fatal}`,
      });
      return;
    }
    if (!out.ok) throw new Error(out.error);
    const [xr, instance, ...results] = out.documents;
    // No override was ever set, so the Instance keeps exactly the class the composite asks for.
    const asked = at(example.xr, 'spec', 'parameters')['instanceClass'];
    expect(instance).toMatchObject({ spec: { forProvider: { instanceClass: asked } } });
    expect(xr).toMatchObject({
      status: { intelligentScaling: { skipped: { reason: want.skipped, message: want.message } } },
    });
    // The problem is new to this composite, so it earns one WARNING that says it.
    expect(results).toMatchObject([
      { severity: 'SEVERITY_WARNING', message: `cannot resize: ${want.message}` },
    ]);
  });

  test('the server still answers after the catalogue', async () => {
    const health = newHealthClient(server.address, insecureCredentials());
    try {
      expect(await health.check()).toBe('SERVING');
    } finally {
      health.close();
    }
  });
});
