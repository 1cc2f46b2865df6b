import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from './run.js';
import type { CliIO } from './command.js';

function capture(env: Record<string, string> = {}): CliIO & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (l) => out.push(l), stderr: (l) => err.push(l), env };
}

test('unknown commands and bad flags exit non-zero with a message, not a stack trace', async () => {
  const io = capture();
  assert.equal(await main(['frobnicate'], io), 2);
  assert.match(io.err.join('\n'), /unknown command 'frobnicate'; commands: start, users, hub, dtdl, simulate, ml/);

  const io2 = capture();
  assert.equal(await main(['start', '--http-port', 'abc'], io2), 2);
  assert.match(io2.err.join('\n'), /config\.invalid_value: invalid value for httpPort \(flag --http-port\): "abc"; allowed: an integer from 0 to 65535/);
  assert.doesNotMatch(io2.err.join('\n'), /\n\s+at /);

  const io3 = capture({ TWINWORKS_BUS: 'kafka://x' });
  assert.equal(await main(['start'], io3), 2);
  assert.match(io3.err.join('\n'), /bus \(environment variable TWINWORKS_BUS\)/);
});

test('start --help lists every flag with its variable', async () => {
  const io = capture();
  assert.equal(await main(['start', '--help'], io), 0);
  const help = io.out.join('\n');
  for (const flag of ['--data', '--http-port', '--https-port', '--mqtt-port', '--mqtts-port', '--database', '--bus', '--no-simulator', '--config', '--tls-cert', '--tls-key']) {
    assert.ok(help.includes(flag), `help should mention ${flag}`);
  }
  assert.match(help, /TWINWORKS_MQTT_PORT/);
});

test('dtdl validate reports file, path and rule for a broken model and exits 1; 0 for a valid one', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tw-dtdl-cli-'));
  const good = { '@context': 'dtmi:dtdl:context;3', '@id': 'dtmi:example:Pump;1', '@type': 'Interface', contents: [{ '@type': 'Property', name: 'speed', schema: 'double' }] };
  const bad = { '@context': 'dtmi:dtdl:context;3', '@id': 'dtmi:example:Valve;1', '@type': 'Interface', extends: 'dtmi:example:Pump;1', contents: [{ '@type': 'Telemetry', name: 'speed', schema: 'double' }] };
  writeFileSync(join(dir, 'pump.json'), JSON.stringify(good));
  const ok = capture();
  assert.equal(await main(['dtdl', 'validate', join(dir, 'pump.json')], ok), 0);
  assert.match(ok.out.join('\n'), /^valid: 1 interfaces in 1 files/);

  writeFileSync(join(dir, 'valve.json'), JSON.stringify(bad));
  const ko = capture();
  assert.equal(await main(['dtdl', 'validate', dir], ko), 1);
  const text = ko.out.join('\n');
  // A content name inherited through `extends` must not be redefined (DTDL v3 §Interface, contents names unique incl. inherited).
  assert.match(text, /valve\.json/);
  assert.match(text, /speed/);
  assert.match(text, /invalid: \d+ error\(s\) in 2 files/);
});

test('hub connection-string prints a service connection string whose key signs requests for the store it names', async () => {
  const data = mkdtempSync(join(tmpdir(), 'tw-cli-hub-'));
  const io = capture();
  assert.equal(await main(['hub', 'connection-string', '--policy', 'service', '--host', 'plant.example', '--data', data], io), 0, io.err.join('\n'));
  const fields = Object.fromEntries(io.out.join('').split(';').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
  assert.equal(fields['HostName'], 'plant.example');
  assert.equal(fields['SharedAccessKeyName'], 'service');
  assert.equal(Buffer.from(fields['SharedAccessKey']!, 'base64').length, 32, 'a 256-bit key');
  // The same store gives the same key the next time (it is kept, not regenerated).
  const again = capture();
  assert.equal(await main(['hub', 'connection-string', '--policy', 'service', '--host', 'plant.example', '--data', data], again), 0);
  assert.equal(again.out.join(''), io.out.join(''));
});

test('--help after a subcommand shows that subcommand, not its parent overview', async () => {
  const sub = capture();
  assert.equal(await main(['ml', 'rul', '--help'], sub), 0);
  assert.match(sub.out.join('\n'), /twinworks ml rul <train\|predict\|evaluate>/);
  const parent = capture();
  assert.equal(await main(['ml', '--help'], parent), 0);
  assert.match(parent.out.join('\n'), /Usage: twinworks ml <subcommand>/);
});
