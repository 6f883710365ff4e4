/**
 * Test certificates for mutual TLS: a CA, a server certificate for localhost and 127.0.0.1 and a
 * client certificate, both signed by the CA; and a second, untrusted CA with a client of its own.
 * Each set is written to a directory in the layout Crossplane mounts (tls.crt, tls.key, ca.crt).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { generate } from 'selfsigned';

/** KeyPair is a PEM certificate and its PEM private key. */
export interface KeyPair {
  readonly cert: string;
  readonly key: string;
}

/** TestCertificates are the generated certificates and where they were written. */
export interface TestCertificates {
  /** The temporary directory holding every directory below; remove() deletes it. */
  readonly dir: string;
  /** For --tls-server-certs-dir: the server's tls.crt and tls.key, and the CA as ca.crt. */
  readonly serverDir: string;
  /** The trusted client's tls.crt and tls.key, and the CA as ca.crt to verify the server. */
  readonly clientDir: string;
  /** The untrusted client's tls.crt and tls.key, and the trusted CA as ca.crt. */
  readonly untrustedClientDir: string;
  /** The CA the server trusts. */
  readonly ca: KeyPair;
  /** The server's certificate, for localhost, 127.0.0.1 and ::1. */
  readonly server: KeyPair;
  /** A client certificate signed by `ca`. */
  readonly client: KeyPair;
  /** A CA the server does not trust. */
  readonly untrustedCa: KeyPair;
  /** A client certificate signed by `untrustedCa`. */
  readonly untrustedClient: KeyPair;
  /** remove deletes `dir`. */
  remove(): Promise<void>;
}

const HOUR_MS = 60 * 60 * 1000;

/** generateCertificates creates a fresh set of certificates in a new temporary directory. */
export async function generateCertificates(): Promise<TestCertificates> {
  const ca = await newCa('test CA');
  const untrustedCa = await newCa('untrusted test CA');
  const server = await newLeaf('localhost', ca, 'server');
  const client = await newLeaf('test client', ca, 'client');
  const untrustedClient = await newLeaf('untrusted test client', untrustedCa, 'client');

  const dir = await mkdtemp(join(tmpdir(), 'function-certs-'));
  const serverDir = await writeSet(dir, 'server', server, ca);
  const clientDir = await writeSet(dir, 'client', client, ca);
  const untrustedClientDir = await writeSet(dir, 'untrusted-client', untrustedClient, ca);
  return {
    dir,
    serverDir,
    clientDir,
    untrustedClientDir,
    ca,
    server,
    client,
    untrustedCa,
    untrustedClient,
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** validity starts an hour back so a slightly slow clock elsewhere still accepts it. */
function validity() {
  const now = Date.now();
  return { notBeforeDate: new Date(now - HOUR_MS), notAfterDate: new Date(now + 24 * HOUR_MS) };
}

async function newCa(commonName: string): Promise<KeyPair> {
  const pems = await generate([{ name: 'commonName', value: commonName }], {
    ...validity(),
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

async function newLeaf(
  commonName: string,
  issuer: KeyPair,
  role: 'server' | 'client',
): Promise<KeyPair> {
  const pems = await generate([{ name: 'commonName', value: commonName }], {
    ...validity(),
    keyType: 'ec',
    algorithm: 'sha256',
    ca: { cert: issuer.cert, key: issuer.key },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      role === 'server'
        ? { name: 'extKeyUsage', serverAuth: true }
        : { name: 'extKeyUsage', clientAuth: true },
      {
        name: 'subjectAltName',
        altNames:
          role === 'server'
            ? [
                { type: 2, value: 'localhost' },
                { type: 7, ip: '127.0.0.1' },
                { type: 7, ip: '::1' },
              ]
            : [{ type: 2, value: 'test-client' }],
      },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

/** writeSet writes tls.crt, tls.key and ca.crt into dir/name and returns that directory. */
async function writeSet(dir: string, name: string, pair: KeyPair, ca: KeyPair): Promise<string> {
  const setDir = join(dir, name);
  await mkdir(setDir);
  await writeFile(join(setDir, 'tls.crt'), pair.cert);
  await writeFile(join(setDir, 'tls.key'), pair.key, { mode: 0o600 });
  await writeFile(join(setDir, 'ca.crt'), ca.cert);
  return setDir;
}
