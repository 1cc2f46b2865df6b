import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { generate } from 'selfsigned';
import { defineErrors } from '../shared/errors.js';

export const TlsErrors = defineErrors('tls', {
  unreadable: { kind: 'invalid', title: 'The TLS certificate or key cannot be read' },
  mismatch: { kind: 'invalid', title: 'The TLS key does not belong to the certificate' },
});

export interface TlsMaterial {
  readonly cert: string;
  readonly key: string;
  readonly certFile: string;
  readonly keyFile: string;
  /** True when this call generated a new self-signed certificate. */
  readonly generated: boolean;
  /** SHA-256 fingerprint, for pinning and logs. */
  readonly fingerprint256: string;
}

const RENEW_BEFORE_MS = 30 * 24 * 3600 * 1000;

/** The names a default certificate covers: loopback in every form plus this machine's names. */
export function defaultCertificateNames(extraHosts: readonly string[] = []): { dns: string[]; ips: string[] } {
  const dns = new Set(['localhost', hostname(), ...extraHosts.filter((h) => !isIp(h))]);
  const ips = new Set(['127.0.0.1', '::1', ...extraHosts.filter(isIp)]);
  return { dns: [...dns], ips: [...ips] };
}

function isIp(s: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(s) || s.includes(':');
}

/**
 * Uses the given PEM files, or else the self-signed pair in `<data>/tls/`, generating it when
 * missing, expiring soon, or not covering the names asked for.
 */
export async function ensureTlsMaterial(options: {
  dataDir: string;
  certFile?: string | undefined;
  keyFile?: string | undefined;
  hosts?: readonly string[];
}): Promise<TlsMaterial> {
  if (options.certFile && options.keyFile) return readGiven(options.certFile, options.keyFile);
  const dir = join(options.dataDir, 'tls');
  const certFile = join(dir, 'server.crt');
  const keyFile = join(dir, 'server.key');
  const names = defaultCertificateNames(options.hosts ?? []);
  if (existsSync(certFile) && existsSync(keyFile)) {
    const cert = readFileSync(certFile, 'utf8');
    const x509 = new X509Certificate(cert);
    const covers = names.dns.every((n) => x509.checkHost(n) !== undefined) && names.ips.every((ip) => x509.checkIP(ip) !== undefined);
    if (covers && new Date(x509.validTo).getTime() - Date.now() > RENEW_BEFORE_MS) {
      return { cert, key: readFileSync(keyFile, 'utf8'), certFile, keyFile, generated: false, fingerprint256: x509.fingerprint256 };
    }
  }
  const now = new Date();
  const pems = await generate([{ name: 'commonName', value: names.dns.includes(hostname()) ? hostname() : 'localhost' }, { name: 'organizationName', value: 'Twinworks (self-signed)' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now.getTime() - 60_000),
    notAfterDate: new Date(now.getTime() + 825 * 24 * 3600 * 1000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true, clientAuth: false },
      { name: 'subjectAltName', altNames: [...names.dns.map((value) => ({ type: 2 as const, value })), ...names.ips.map((ip) => ({ type: 7 as const, ip }))] },
    ],
  });
  mkdirSync(dir, { recursive: true });
  writeFileSync(keyFile, pems.private, { mode: 0o600 });
  chmodSync(keyFile, 0o600);
  writeFileSync(certFile, pems.cert);
  const x509 = new X509Certificate(pems.cert);
  return { cert: pems.cert, key: pems.private, certFile, keyFile, generated: true, fingerprint256: x509.fingerprint256 };
}

function readGiven(certFile: string, keyFile: string): TlsMaterial {
  let cert: string;
  let key: string;
  try {
    cert = readFileSync(certFile, 'utf8');
    key = readFileSync(keyFile, 'utf8');
  } catch (err) {
    throw TlsErrors.create('unreadable', `cannot read TLS files (--tls-cert ${certFile}, --tls-key ${keyFile}): ${(err as Error).message}`, { certFile, keyFile }, err);
  }
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch (err) {
    throw TlsErrors.create('unreadable', `--tls-cert ${certFile} is not a PEM certificate`, { certFile }, err);
  }
  try {
    if (!x509.checkPrivateKey(createPrivateKey(key))) throw new Error('key does not match');
  } catch (err) {
    throw TlsErrors.create('mismatch', `--tls-key ${keyFile} is not the private key of --tls-cert ${certFile}`, { certFile, keyFile }, err);
  }
  return { cert, key, certFile, keyFile, generated: false, fingerprint256: x509.fingerprint256 };
}
