/**
 * The rules path: the composition example's pegged CPU, analysed in full on every call (the
 * observed Instance carries no last-analyzed annotation) and scaled up by the built-in rules,
 * since the `claude` credential's key is empty. The heaviest path that asks no model.
 */
import { Severity } from '@crossplane-org/function-sdk-typescript';

import { loadExampleRequest } from './request.js';
import type { Scenario } from './scenario.js';

const WANT_CLASS = 'db.t3.small';

/** rulesScenario measures a full analysis decided by the rules. */
export const rulesScenario: Scenario = {
  name: 'rules',
  summary: 'the composition example, a full analysis on the rules on every call (no model)',
  prepare: async (root) => {
    const request = await loadExampleRequest(root);
    return {
      serverArgs: [],
      serverEnv: {},
      request,
      check: (rsp) => {
        const reasons = rsp.results.map((r) => `${Severity[r.severity]} ${r.reason ?? ''}`);
        if (reasons.join() !== 'SEVERITY_NORMAL ScaledUp') {
          return `want one NORMAL ScaledUp result, got [${reasons.join(', ')}]`;
        }
        const instance = Object.values(rsp.desired?.resources ?? {})[0]?.resource;
        const spec: unknown = instance?.['spec'];
        const got = JSON.stringify(spec);
        return got.includes(`"instanceClass":"${WANT_CLASS}"`)
          ? undefined
          : `want the RDS Instance resized to ${WANT_CLASS}, got spec ${got}`;
      },
      cleanup: () => Promise.resolve(),
    };
  },
};
