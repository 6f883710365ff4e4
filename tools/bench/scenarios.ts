/** SCENARIOS lists every scenario the bench can run, by name. */
import { rulesScenario } from './scenario-rules.js';
import type { Scenario } from './scenario.js';

/** SCENARIOS maps --scenario names to scenarios; the first is the default. */
export const SCENARIOS: readonly Scenario[] = [rulesScenario];
