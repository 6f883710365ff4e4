/**
 * Between analyses: the composition example as Crossplane sends it on most reconciles. The
 * function resized the database to db.t3.small twenty minutes ago, RDS runs it, and the last
 * analysis was a minute ago and saw the same triggers, so the rate limit skips the analysis and
 * the function only writes the class it chose and its annotations again. No model is asked.
 */
import type { RunFunctionRequest } from '@crossplane-org/function-sdk-typescript';

import { writeState } from '../../src/scaling/state.js';
import { addSeconds } from '../../src/time.js';
import { at, isJson, loadExampleRequest, setAt } from './request.js';
import type { Scenario } from './scenario.js';

const BASE_CLASS = 'db.t3.micro';
const CHOSEN_CLASS = 'db.t3.small';

/** annotationsAt is what the function wrote at its last analysis, a minute before now. */
function annotationsAt(now: Date): Record<string, string> {
  const resized = addSeconds(now, -20 * 60);
  return writeState({
    lastAnalyzed: addSeconds(now, -60),
    lastScaled: resized,
    resizeCompletedAt: addSeconds(resized, 8 * 60),
    lastDecision: 'Scale up from db.t3.micro to db.t3.small: CPU 96.4% > 85%.',
    lastVerdict: 'NoChange',
    lastTriggers: ['cpu', 'memory'],
    instanceClass: CHOSEN_CLASS,
    baseClass: BASE_CLASS,
    decidedBy: 'rules',
  });
}

/** betweenAnalyses turns the example's observed Instance into one resized and analysed before. */
function betweenAnalyses(req: RunFunctionRequest, now: Date): RunFunctionRequest {
  for (const observed of Object.values(req.observed?.resources ?? {})) {
    const body = structuredClone(observed.resource ?? {});
    const annotations = at(body, 'metadata.annotations');
    setAt(body, 'metadata.annotations', {
      ...(isJson(annotations) ? annotations : {}),
      ...annotationsAt(now),
    });
    setAt(body, 'spec.forProvider.instanceClass', CHOSEN_CLASS);
    setAt(body, 'status.atProvider.instanceClass', CHOSEN_CLASS);
    observed.resource = body;
  }
  return req;
}

/** steadyScenario measures a call the rate limit skips: the commonest call in production. */
export const steadyScenario: Scenario = {
  name: 'steady',
  summary:
    'the composition example a minute after its last analysis: skipped by the rate limit, the chosen class written again (no model)',
  prepare: async (root) => {
    const example = await loadExampleRequest(root);
    return {
      serverArgs: [],
      serverEnv: {},
      request: (now) => betweenAnalyses(example(now), now),
      check: (rsp) => {
        // The last analysis was a minute ago: the next is due in four.
        const ttl = rsp.meta?.ttl?.seconds ?? 0;
        if (ttl < 230 || ttl > 240) return `want a TTL of about 240 s, got ${ttl} s`;
        if (rsp.results.length > 0) {
          return `want no results, got ${rsp.results.map((r) => r.reason ?? '').join(', ')}`;
        }
        const instance = Object.values(rsp.desired?.resources ?? {})[0]?.resource;
        const got = JSON.stringify(instance?.['spec']);
        return got.includes(`"instanceClass":"${CHOSEN_CLASS}"`)
          ? undefined
          : `want the RDS Instance kept at ${CHOSEN_CLASS}, got spec ${got}`;
      },
      cleanup: () => Promise.resolve(),
    };
  },
};
