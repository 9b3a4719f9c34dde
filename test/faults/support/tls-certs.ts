/**
 * Certificates for the mTLS tests, made with `openssl` in a temp dir: a CA, a server certificate for
 * `TLS_SERVER_NAME` and a client certificate signed by it, and a second CA with a client certificate of its own (a
 * certificate the server must not trust).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The name in the server certificate; clients connect to 127.0.0.1 with `TEMPORAL_TLS_SERVER_NAME` set to it. */
export const TLS_SERVER_NAME = 'temporal.dondoc.test';

/** File paths of the generated certificates and keys (PEM). */
export interface TestCertificates {
  dir: string;
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  /** A client certificate of another CA. */
  strangerCert: string;
  strangerKey: string;
  cleanup(): void;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function makeCa(dir: string, name: string, cn: string): void {
  openssl(dir, [
    'req',
    '-x509',
    ...EC_KEY,
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.pem`,
    '-days',
    '2',
    '-subj',
    `/CN=${cn}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
}

function makeLeaf(dir: string, name: string, ca: string, cn: string, extensions: string): void {
  writeFileSync(join(dir, `${name}.ext`), extensions);
  openssl(dir, ['req', ...EC_KEY, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`]);
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${ca}.pem`,
    '-CAkey',
    `${ca}.key`,
    '-CAcreateserial',
    '-out',
    `${name}.pem`,
    '-days',
    '2',
    '-extfile',
    `${name}.ext`,
  ]);
}

/** Generates them all (a second or so). */
export function makeTestCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'dondoc-tls-'));
  try {
    makeCa(dir, 'ca', 'dondoc test CA');
    makeCa(dir, 'other-ca', 'another CA');
    const leaf = (usage: string, san = '') =>
      `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=${usage}\n${san}`;
    makeLeaf(dir, 'server', 'ca', TLS_SERVER_NAME, leaf('serverAuth', `subjectAltName=DNS:${TLS_SERVER_NAME}\n`));
    makeLeaf(dir, 'client', 'ca', 'dondoc-worker', leaf('clientAuth'));
    makeLeaf(dir, 'stranger', 'other-ca', 'dondoc-worker', leaf('clientAuth'));
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const at = (file: string) => join(dir, file);
  return {
    dir,
    ca: at('ca.pem'),
    serverCert: at('server.pem'),
    serverKey: at('server.key'),
    clientCert: at('client.pem'),
    clientKey: at('client.key'),
    strangerCert: at('stranger.pem'),
    strangerKey: at('stranger.key'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
