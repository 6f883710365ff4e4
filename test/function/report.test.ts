/** What an operator sees in the logs: info for what they must know, debug for routine flow. */
import { Writable } from 'node:stream';

import { pino } from 'pino';
import { describe, expect, test } from 'vitest';

import { logDecision } from '../../src/function/report.js';
import type { Decision } from '../../src/scaling/decide.js';

function capture(): { log: pino.Logger; levels: () => string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const log = pino({ level: 'debug', formatters: { level: (label) => ({ level: label }) } }, sink);
  return { log, levels: () => lines.map((line) => (JSON.parse(line) as { level: string }).level) };
}

const steady: Decision = {
  analyzed: true,
  verdict: 'NoChange',
  fromClass: 'db.t3.micro',
  toClass: 'db.t3.micro',
  reasoning: 'No change.',
  decidedBy: 'rules',
  ttlSeconds: 300,
};

describe('logDecision', () => {
  test.each<{ name: string; given: Decision; newRecommendation: boolean; want: string }>([
    { name: 'a steady state', given: steady, newRecommendation: false, want: 'debug' },
    {
      name: 'a resize',
      given: { ...steady, verdict: 'ScaleUp', toClass: 'db.t3.small' },
      newRecommendation: false,
      want: 'info',
    },
    {
      name: 'a new recommendation',
      given: { ...steady, verdict: 'ScaleUp', recommendedClass: 'db.t3.small' },
      newRecommendation: true,
      want: 'info',
    },
    {
      name: 'a recommendation that stands',
      given: { ...steady, verdict: 'ScaleUp', recommendedClass: 'db.t3.small' },
      newRecommendation: false,
      want: 'debug',
    },
    {
      name: 'a fallback',
      given: { ...steady, fallback: { cause: 'timeout', detail: 'no answer within 20s' } },
      newRecommendation: false,
      want: 'info',
    },
    {
      name: 'a refused answer',
      given: {
        ...steady,
        refused: 'ScaleUp refused: "db.t3.medium" is 2 steps from "db.t3.micro"',
      },
      newRecommendation: false,
      want: 'info',
    },
  ])('$name is logged at $want', ({ given, newRecommendation, want }) => {
    const { log, levels } = capture();
    logDecision(log, given, newRecommendation);
    expect(levels()).toEqual([want]);
  });
});
