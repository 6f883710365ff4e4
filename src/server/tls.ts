/**
 * Mutual TLS: the server presents tls.crt and tls.key and accepts only clients whose certificate
 * ca.crt signed, as Crossplane's package manager mounts them.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import * as grpc from '@grpc/grpc-js';

import { StartupError } from './startup-error.js';

/** The file names Crossplane uses in the certificates directory. */
export const TLS_FILES = { cert: 'tls.crt', key: 'tls.key', ca: 'ca.crt' } as const;

/** loadServerCredentials reads and checks the certificates in dir, or throws a StartupError. */
export function loadServerCredentials(dir: string): grpc.ServerCredentials {
  const fail = (cause: string): never => {
    throw new StartupError(`cannot load TLS certificates from "${dir}": ${cause}`);
  };
  const cert = readPem(dir, TLS_FILES.cert, fail);
  const key = readPem(dir, TLS_FILES.key, fail);
  const ca = readPem(dir, TLS_FILES.ca, fail);
  const certificate = parseCertificate(cert, TLS_FILES.cert, fail);
  parseCertificate(ca, TLS_FILES.ca, fail);
  if (!certificate.checkPrivateKey(parsePrivateKey(key, fail))) {
    fail(`"${TLS_FILES.key}" is not the key of "${TLS_FILES.cert}"`);
  }
  // true: refuse any client that does not present a certificate signed by ca.crt.
  return grpc.ServerCredentials.createSsl(ca, [{ private_key: key, cert_chain: cert }], true);
}

/** readPem reads one file of the directory, turning the usual errors into one short cause. */
function readPem(dir: string, file: string, fail: (cause: string) => never): Buffer {
  try {
    return readFileSync(join(dir, file));
  } catch (err) {
    const code = err instanceof Error && 'code' in err ? String(err.code) : 'unknown error';
    return fail(`"${file}" ${readFailure(code)}`);
  }
}

/** readFailure says in words what a file-system error code means for one file. */
function readFailure(code: string): string {
  switch (code) {
    case 'ENOENT':
      return 'does not exist (use --insecure to serve without TLS)';
    case 'EACCES':
    case 'EPERM':
      return 'is not readable: permission denied';
    case 'EISDIR':
      return 'is a directory, not a file';
    default:
      return `cannot be read: ${code}`;
  }
}

function parseCertificate(pem: Buffer, file: string, fail: (cause: string) => never) {
  try {
    return new X509Certificate(pem);
  } catch {
    return fail(`"${file}" is not a PEM certificate`);
  }
}

function parsePrivateKey(pem: Buffer, fail: (cause: string) => never): KeyObject {
  try {
    return createPrivateKey(pem);
  } catch {
    return fail(`"${TLS_FILES.key}" is not a PEM private key`);
  }
}
