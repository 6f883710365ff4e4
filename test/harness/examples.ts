/**
 * The composition example as the tests render it: examples/composition exactly as a user runs
 * `crossplane render` on it, with the XR's metrics refreshed to now so they are not stale.
 */
import { freshMetrics, renderComposition } from './render.js';
import type { CompositionRender, RunStep } from './render.js';
import type { KubeObject } from './objects.js';
import { examplePath, loadExample, loadYamlDocument } from './yaml-docs.js';

/** FUNCTION_NAME is the Function the example's pipeline names for this function's step. */
export const FUNCTION_NAME = 'function-intelligent-scaling';

/** CompositionExampleOptions vary the example as a test needs. */
export interface CompositionExampleOptions {
  /** The XR; default examples/composition/xr.yaml with its metrics refreshed to now. */
  readonly xr?: KubeObject;
  /** The step's credentials; default examples/composition/secrets.yaml. */
  readonly credentials?: readonly KubeObject[];
  /** Print Result documents too (-r). */
  readonly includeResults?: boolean;
}

/** renderCompositionExample renders the example with this function's step answered by `run`. */
export function renderCompositionExample(
  run: RunStep,
  options: CompositionExampleOptions = {},
): Promise<CompositionRender> {
  return renderComposition({
    xr:
      options.xr ?? freshMetrics(loadYamlDocument(examplePath('composition/xr.yaml')), new Date()),
    composition: loadYamlDocument(examplePath('composition/composition.yaml')),
    functions: loadExample('composition/functions.yaml'),
    observed: loadExample('composition/observed.yaml'),
    credentials: options.credentials ?? loadExample('composition/secrets.yaml'),
    steps: { [FUNCTION_NAME]: run },
    ...(options.includeResults === true && { includeResults: true }),
  });
}
