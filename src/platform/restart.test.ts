import { test } from 'node:test';
import { killAndRestartScenario } from './testing/restart-scenario.js';

test('embedded defaults: what the platform acknowledged survives SIGKILL and a restart', { timeout: 180_000 }, async () => {
  await killAndRestartScenario([]);
});
