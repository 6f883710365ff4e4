/** Tests for parseConfig: defaults, every flag, the environment, and the errors it reports. */
import { describe, expect, test } from 'vitest';

import { helpText, parseConfig } from '../../src/config.js';
import type { Config, Environment, ParseOutcome } from '../../src/config.js';

const defaults: Config = {
  address: '0.0.0.0:9443',
  insecure: false,
  debug: false,
  tlsServerCertsDir: '/tls/server',
  maxRecvMessageSizeMiB: 4,
  maxConcurrentModelCalls: 4,
  metricsAddress: '0.0.0.0:8080',
};

interface Case {
  readonly name: string;
  readonly reason: string;
  readonly given: { readonly argv: readonly string[]; readonly env?: Environment };
  readonly want: ParseOutcome;
}

const config = (overrides: Partial<Config>): ParseOutcome => ({
  kind: 'config',
  config: { ...defaults, ...overrides },
});

const error = (message: string): ParseOutcome => ({ kind: 'error', message });

const cases: readonly Case[] = [
  {
    name: 'no arguments',
    reason: 'Crossplane passes no arguments, so the defaults must serve mutual TLS on 9443',
    given: { argv: [] },
    want: config({}),
  },
  {
    name: 'address as two arguments',
    reason: 'flags take their value from the next argument',
    given: { argv: ['--address', '127.0.0.1:0'] },
    want: config({ address: '127.0.0.1:0' }),
  },
  {
    name: 'address after an equals sign',
    reason: 'flags also take --flag=value',
    given: { argv: ['--address=[::1]:9443'] },
    want: config({ address: '[::1]:9443' }),
  },
  {
    name: 'address without a host',
    reason: 'Go functions accept ":9443"; it means every interface',
    given: { argv: ['--address', ':9443'] },
    want: config({ address: '0.0.0.0:9443' }),
  },
  {
    name: 'insecure and debug',
    reason: 'crossplane render runs the function with --insecure',
    given: { argv: ['--insecure', '--debug'] },
    want: config({ insecure: true, debug: true }),
  },
  {
    name: 'a switch set to false',
    reason: 'a switch also takes =true or =false',
    given: { argv: ['--insecure=false', '--debug=true'] },
    want: config({ debug: true }),
  },
  {
    name: 'certificates directory',
    reason: 'the flag names where the certificates are',
    given: { argv: ['--tls-server-certs-dir', '/certs'] },
    want: config({ tlsServerCertsDir: '/certs' }),
  },
  {
    name: 'certificates directory by its Go name',
    reason: 'Go functions spell the flag --tls-certs-dir',
    given: { argv: ['--tls-certs-dir=/certs'] },
    want: config({ tlsServerCertsDir: '/certs' }),
  },
  {
    name: 'certificates directory from the environment',
    reason: 'Crossplane sets TLS_SERVER_CERTS_DIR in the function pod',
    given: { argv: [], env: { TLS_SERVER_CERTS_DIR: '/mounted' } },
    want: config({ tlsServerCertsDir: '/mounted' }),
  },
  {
    name: 'flag over environment',
    reason: 'an explicit flag wins over the environment',
    given: { argv: ['--tls-certs-dir', '/flag'], env: { TLS_SERVER_CERTS_DIR: '/env' } },
    want: config({ tlsServerCertsDir: '/flag' }),
  },
  {
    name: 'empty environment variable',
    reason: 'an empty variable counts as unset, not as an empty directory',
    given: { argv: [], env: { TLS_SERVER_CERTS_DIR: '' } },
    want: config({}),
  },
  {
    name: 'max receive message size',
    reason: 'the size is in MiB',
    given: { argv: ['--max-recv-message-size', '16'] },
    want: config({ maxRecvMessageSizeMiB: 16 }),
  },
  {
    name: 'concurrent model calls',
    reason: 'the cap on model calls per process is configurable',
    given: { argv: ['--max-concurrent-model-calls=16'] },
    want: config({ maxConcurrentModelCalls: 16 }),
  },
  {
    name: 'no concurrent model calls',
    reason: 'zero would make every analysis wait for nothing and fall back',
    given: { argv: ['--max-concurrent-model-calls', '0'] },
    want: {
      kind: 'error',
      message:
        'cannot parse flag "--max-concurrent-model-calls": "0" is not a whole number from 1 to 256',
    },
  },
  {
    name: 'metrics address',
    reason: 'Prometheus scrapes /metrics where the flag says',
    given: { argv: ['--metrics-address', '127.0.0.1:0'] },
    want: config({ metricsAddress: '127.0.0.1:0' }),
  },
  {
    name: 'metrics address without a host',
    reason: 'the default ":8080" and any other bare port mean every interface',
    given: { argv: ['--metrics-address=:9090'] },
    want: config({ metricsAddress: '0.0.0.0:9090' }),
  },
  {
    name: 'an empty metrics address',
    reason: 'an empty value serves no metrics at all',
    given: { argv: ['--metrics-address', ''] },
    want: config({ metricsAddress: undefined }),
  },
  {
    name: 'a metrics address without a port',
    reason: 'the address is checked like --address',
    given: { argv: ['--metrics-address', 'localhost'] },
    want: error(
      'cannot parse flag "--metrics-address": "localhost" is not HOST:PORT with a port from 0 to 65535',
    ),
  },
  {
    name: 'a repeated flag',
    reason: 'the last value wins, so a harness default can be overridden',
    given: { argv: ['--address', '127.0.0.1:1', '--address', '127.0.0.1:2'] },
    want: config({ address: '127.0.0.1:2' }),
  },
  {
    name: 'unknown flag',
    reason: 'a typo must not be ignored',
    given: { argv: ['--insecur'] },
    want: error('cannot parse flags: unknown flag "--insecur" (see --help)'),
  },
  {
    name: 'positional argument',
    reason: 'the function takes no arguments',
    given: { argv: ['serve'] },
    want: error('cannot parse flags: unexpected argument "serve" (see --help)'),
  },
  {
    name: 'missing value at the end',
    reason: 'a value flag needs a value',
    given: { argv: ['--address'] },
    want: error('cannot parse flags: flag "--address" needs a value HOST:PORT'),
  },
  {
    name: 'missing value before another flag',
    reason: 'the next flag is not taken as the value',
    given: { argv: ['--tls-certs-dir', '--insecure'] },
    want: error('cannot parse flags: flag "--tls-certs-dir" needs a value DIR'),
  },
  {
    name: 'size that is not a number',
    reason: 'the size must be a whole number',
    given: { argv: ['--max-recv-message-size', 'lots'] },
    want: error(
      'cannot parse flag "--max-recv-message-size": "lots" is not a whole number of MiB from 1 to 2047',
    ),
  },
  {
    name: 'size of zero',
    reason: 'a zero limit would refuse every request',
    given: { argv: ['--max-recv-message-size=0'] },
    want: error(
      'cannot parse flag "--max-recv-message-size": "0" is not a whole number of MiB from 1 to 2047',
    ),
  },
  {
    name: 'size over what gRPC can count',
    reason: 'gRPC holds the limit in a signed 32-bit integer',
    given: { argv: ['--max-recv-message-size=2048'] },
    want: error(
      'cannot parse flag "--max-recv-message-size": "2048" is not a whole number of MiB from 1 to 2047',
    ),
  },
  {
    name: 'address without a port',
    reason: 'the address must name a port',
    given: { argv: ['--address', 'localhost'] },
    want: error(
      'cannot parse flag "--address": "localhost" is not HOST:PORT with a port from 0 to 65535',
    ),
  },
  {
    name: 'port out of range',
    reason: 'ports stop at 65535',
    given: { argv: ['--address', '127.0.0.1:70000'] },
    want: error(
      'cannot parse flag "--address": "127.0.0.1:70000" is not HOST:PORT with a port from 0 to 65535',
    ),
  },
  {
    name: 'switch with a bad value',
    reason: 'a switch takes only true or false',
    given: { argv: ['--insecure=yes'] },
    want: error('cannot parse flag "--insecure": "yes" is not true or false'),
  },
  {
    name: 'empty directory flag',
    reason: 'an empty directory cannot hold certificates',
    given: { argv: ['--tls-server-certs-dir='] },
    want: error('cannot parse flag "--tls-server-certs-dir": "" is empty'),
  },
  {
    name: 'help',
    reason: '--help wins over everything else, even a bad flag',
    given: { argv: ['--nonsense', '--help'] },
    want: { kind: 'help', text: helpText() },
  },
];

describe('parseConfig', () => {
  test.each(cases)('$name', ({ given, want }) => {
    expect(parseConfig(given.argv, given.env ?? {})).toEqual(want);
  });
});

describe('helpText', () => {
  test('lists every flag with its default', () => {
    const text = helpText();
    for (const flag of [
      '--address=HOST:PORT',
      '--insecure',
      '--debug',
      '--tls-server-certs-dir=DIR',
      '--tls-certs-dir',
      '--max-recv-message-size=MiB',
      '--max-concurrent-model-calls=N',
      '--metrics-address=HOST:PORT',
      '--help',
    ]) {
      expect(text).toContain(flag);
    }
    expect(text).toContain('(default "0.0.0.0:9443")');
    expect(text).toContain('$TLS_SERVER_CERTS_DIR, else "/tls/server"');
  });
});
