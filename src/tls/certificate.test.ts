import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir, hostname } from 'node:os';
import { join } from 'node:path';
import { createServer, get } from 'node:https';
import type { AddressInfo } from 'node:net';
import { X509Certificate } from 'node:crypto';
import { ensureTlsMaterial } from './certificate.js';

test('the generated certificate covers localhost, 127.0.0.1, ::1 and the host name, and is reused', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tw-tls-'));
  const first = await ensureTlsMaterial({ dataDir });
  assert.equal(first.generated, true);
  const x509 = new X509Certificate(first.cert);
  assert.equal(x509.checkHost('localhost'), 'localhost');
  assert.equal(x509.checkHost(hostname()), hostname());
  assert.equal(x509.checkIP('127.0.0.1'), '127.0.0.1');
  assert.ok(x509.checkIP('::1'));
  assert.equal(x509.checkHost('example.com'), undefined);
  const second = await ensureTlsMaterial({ dataDir });
  assert.equal(second.generated, false);
  assert.equal(second.fingerprint256, first.fingerprint256);
});

test('a client that trusts a copy of the certificate verifies the server by IP and by name', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tw-tls-'));
  const tls = await ensureTlsMaterial({ dataDir });
  const server = createServer({ cert: tls.cert, key: tls.key }, (_req, res) => res.end('ok'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  try {
    for (const host of ['127.0.0.1', 'localhost']) {
      const body = await new Promise<string>((resolve, reject) => {
        get({ host, family: 4, port, path: '/', ca: tls.cert }, (res) => {
          let s = '';
          res.on('data', (c) => (s += c));
          res.on('end', () => resolve(s));
        }).on('error', reject);
      });
      assert.equal(body, 'ok');
    }
    // Without the trusted copy, verification must fail.
    await assert.rejects(
      new Promise((resolve, reject) => get({ host: '127.0.0.1', port, path: '/' }, resolve).on('error', reject)),
      /self-signed|unable to verify|self signed/i,
    );
  } finally {
    server.close();
  }
});

test('given files are checked: a key that does not belong to the certificate is refused', async () => {
  const a = await ensureTlsMaterial({ dataDir: mkdtempSync(join(tmpdir(), 'tw-tls-')) });
  const b = await ensureTlsMaterial({ dataDir: mkdtempSync(join(tmpdir(), 'tw-tls-')) });
  const dir = mkdtempSync(join(tmpdir(), 'tw-tls-'));
  writeFileSync(join(dir, 'c.pem'), a.cert);
  writeFileSync(join(dir, 'k.pem'), b.key);
  await assert.rejects(ensureTlsMaterial({ dataDir: dir, certFile: join(dir, 'c.pem'), keyFile: join(dir, 'k.pem') }), { code: 'tls.mismatch' });
  await assert.rejects(ensureTlsMaterial({ dataDir: dir, certFile: join(dir, 'none.pem'), keyFile: join(dir, 'k.pem') }), { code: 'tls.unreadable' });
  writeFileSync(join(dir, 'k2.pem'), a.key);
  const ok = await ensureTlsMaterial({ dataDir: dir, certFile: join(dir, 'c.pem'), keyFile: join(dir, 'k2.pem') });
  assert.equal(ok.fingerprint256, a.fingerprint256);
});
