/** Tests for loadServerCredentials: it accepts a good set and names the file that is wrong. */
import { cp, mkdir, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { StartupError } from '../../src/server/startup-error.js';
import { loadServerCredentials } from '../../src/server/tls.js';
import { generateCertificates } from '../harness/certificates.js';
import type { TestCertificates } from '../harness/certificates.js';

let certs: TestCertificates;
let scratch: string;

beforeAll(async () => {
  certs = await generateCertificates();
  scratch = await mkdtemp(join(tmpdir(), 'function-tls-test-'));
});

afterAll(async () => {
  await certs.remove();
  await rm(scratch, { recursive: true, force: true });
});

/** brokenCopy copies the server's certificates to a new directory and breaks them with change. */
async function brokenCopy(name: string, change: (dir: string) => Promise<void>): Promise<string> {
  const dir = join(scratch, name);
  await cp(certs.serverDir, dir, { recursive: true });
  await change(dir);
  return dir;
}

interface Case {
  readonly name: string;
  readonly reason: string;
  readonly given: (dir: string) => Promise<void>;
  readonly want: string;
}

const cases: readonly Case[] = [
  {
    name: 'no tls.crt',
    reason: 'a missing file is named, with the way out',
    given: (dir) => unlink(join(dir, 'tls.crt')),
    want: '"tls.crt" does not exist (use --insecure to serve without TLS)',
  },
  {
    name: 'no tls.key',
    reason: 'each of the three files is checked',
    given: (dir) => unlink(join(dir, 'tls.key')),
    want: '"tls.key" does not exist (use --insecure to serve without TLS)',
  },
  {
    name: 'no ca.crt',
    reason: 'without ca.crt client certificates cannot be checked',
    given: (dir) => unlink(join(dir, 'ca.crt')),
    want: '"ca.crt" does not exist (use --insecure to serve without TLS)',
  },
  {
    name: 'a directory named tls.crt',
    reason: 'a mount gone wrong can leave a directory where a file belongs',
    given: async (dir) => {
      await unlink(join(dir, 'tls.crt'));
      await mkdir(join(dir, 'tls.crt'));
    },
    want: '"tls.crt" is a directory, not a file',
  },
  {
    name: 'tls.crt that is not PEM',
    reason: 'a bad certificate fails at start, not at the first handshake',
    given: (dir) => writeFile(join(dir, 'tls.crt'), 'not a certificate'),
    want: '"tls.crt" is not a PEM certificate',
  },
  {
    name: 'ca.crt that is not PEM',
    reason: 'a bad CA fails at start, not at the first handshake',
    given: (dir) => writeFile(join(dir, 'ca.crt'), ''),
    want: '"ca.crt" is not a PEM certificate',
  },
  {
    name: 'tls.key that is not PEM',
    reason: 'a bad key fails at start, not at the first handshake',
    given: (dir) => writeFile(join(dir, 'tls.key'), 'not a key'),
    want: '"tls.key" is not a PEM private key',
  },
  {
    name: 'tls.key of another certificate',
    reason: 'a rotated certificate with a stale key cannot serve',
    given: (dir) => writeFile(join(dir, 'tls.key'), certs.client.key),
    want: '"tls.key" is not the key of "tls.crt"',
  },
];

describe('loadServerCredentials', () => {
  test('loads a good set', () => {
    expect(loadServerCredentials(certs.serverDir)._isSecure()).toBe(true);
  });

  test.each(cases)('refuses $name', async ({ name, given, want }) => {
    const dir = await brokenCopy(name.replaceAll(' ', '-'), given);
    const load = () => loadServerCredentials(dir);
    expect(load).toThrow(StartupError);
    expect(load).toThrow(`cannot load TLS certificates from "${dir}": ${want}`);
  });

  test('names the directory when it does not exist', () => {
    const dir = join(scratch, 'nowhere');
    expect(() => loadServerCredentials(dir)).toThrow(
      `cannot load TLS certificates from "${dir}": "tls.crt" does not exist (use --insecure to serve without TLS)`,
    );
  });
});
