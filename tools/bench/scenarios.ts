/** SCENARIOS lists every scenario the bench can run, by name. */
import { rulesScenario } from './scenario-rules.js';
import { steadyScenario } from './scenario-steady.js';
import type { Scenario } from './scenario.js';

/** SCENARIOS maps --scenario names to scenarios; a run without --scenario runs them all. */
export const SCENARIOS: readonly Scenario[] = [rulesScenario, steadyScenario];
