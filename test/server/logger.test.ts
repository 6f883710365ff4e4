/** Tests for newLogger: its level, its JSON shape, and the secrets it never writes. */
import { describe, expect, test } from 'vitest';
import { z } from 'zod';

import { newLogger } from '../../src/logger.js';

const logRecord = z.record(z.string(), z.unknown());

/** capture builds a logger that writes into an array of parsed lines. */
function capture(debug: boolean) {
  const lines: z.infer<typeof logRecord>[] = [];
  const text: string[] = [];
  const logger = newLogger({
    debug,
    destination: {
      write: (line: string) => {
        text.push(line);
        lines.push(logRecord.parse(JSON.parse(line)));
      },
    },
  });
  return { logger, lines, text };
}

describe('newLogger', () => {
  test('logs info, not debug, by default', () => {
    const { logger, lines } = capture(false);
    logger.debug('hidden');
    logger.info('shown');
    expect(lines.map((line) => [line['level'], line['msg']])).toEqual([['info', 'shown']]);
  });

  test('logs debug with --debug', () => {
    const { logger, lines } = capture(true);
    logger.debug('shown');
    expect(lines.map((line) => line['level'])).toEqual(['debug']);
  });

  test('keeps the stack of an error logged under err', () => {
    const { logger, lines } = capture(false);
    logger.error({ err: new Error('boom') }, 'failed');
    expect(lines[0]?.['err']).toMatchObject({ type: 'Error', message: 'boom' });
    expect(lines[0]?.['time']).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  interface Case {
    readonly name: string;
    readonly reason: string;
    readonly given: Record<string, unknown>;
  }

  const cases: readonly Case[] = [
    {
      name: 'step credentials',
      reason: 'a RunFunctionRequest carries Secret data under credentials',
      given: { req: { credentials: { claude: { data: { ANTHROPIC_API_KEY: 'sk-secret' } } } } },
    },
    {
      name: 'top-level credentials',
      reason: 'code may log the credentials map on its own',
      given: { credentials: { claude: 'sk-secret' } },
    },
    {
      name: 'an API key',
      reason: 'an advisor may log its options',
      given: { advisor: { apiKey: 'sk-secret' } },
    },
    {
      name: 'an authorization header',
      reason: 'the Anthropic SDK 1.x sends the key as a bearer token',
      given: { request: { headers: { authorization: 'Bearer sk-secret' } } },
    },
    {
      name: 'an x-api-key header',
      reason: 'older clients and fakes send the key as x-api-key',
      given: { headers: { 'x-api-key': 'sk-secret' } },
    },
  ];

  test.each(cases)('redacts $name', ({ given }) => {
    const { logger, text } = capture(false);
    logger.info(given, 'request');
    expect(text.join('')).not.toContain('sk-secret');
    expect(text.join('')).toContain('[REDACTED]');
  });
});
