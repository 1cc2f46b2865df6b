/**
 * The simulator is a separate program that reaches the platform only as real machines do (MQTT:
 * DPS + the IoT Hub device protocol, or plain topics). This test reads every non-test source file of
 * src/sim and checks what it imports: its own files, Node built-ins, the MQTT client and the two
 * parsers, the shared error base and the CLI's command type — no other context (no hub, no store,
 * no bus, no twins), so nothing can reach into platform internals.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SIM = dirname(fileURLToPath(import.meta.url));
const PACKAGES = new Set(['mqtt', 'yaml', 'zod']);
/** Outside src/sim, by path relative to src/. */
const OUTSIDE = new Set(['shared/errors.js', 'cli/command.js']);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'testing' ? [] : sources(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [path] : [];
  });
}

test('src/sim imports nothing from the platform but the error base and the CLI command type', () => {
  const files = sources(SIM);
  assert.ok(files.length > 20, `${files.length} files`);
  const found: string[] = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/g)) {
      const spec = m[1] ?? m[2]!;
      if (spec.startsWith('node:') || PACKAGES.has(spec)) continue;
      assert.ok(spec.startsWith('.'), `${relative(SIM, file)}: package '${spec}' is not one the simulator should need`);
      const target = resolve(dirname(file), spec);
      if (target.startsWith(SIM + '/')) continue;
      const fromSrc = relative(resolve(SIM, '..'), target);
      assert.ok(OUTSIDE.has(fromSrc), `${relative(SIM, file)} imports ${fromSrc}: the simulator must talk to the platform over MQTT only`);
      found.push(fromSrc);
    }
  }
  // The CLI type import is type-only (erased at run time).
  const command = readFileSync(join(SIM, 'command.ts'), 'utf8');
  assert.match(command, /import type \{[^}]*\} from '\.\.\/cli\/command\.js'/);
  assert.deepEqual(new Set(found), OUTSIDE);
});
