import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { nabCommand, parseNabArgs } from './command.js';
import { NabErrors } from './errors.js';
import { nabTimestamp, writeMiniCorpus } from './testing.js';

function capture() {
  const out: string[] = [];
  return { out, io: { stdout: (l: string) => out.push(l), stderr: (l: string) => out.push(l), env: {} } };
}

test('flags: required, defaults, unknown and malformed', () => {
  assert.deepEqual(parseNabArgs(['--data', 'd', '--out', 'o']), { data: 'd', out: 'o', detector: 'twinworks', scoreOnly: false });
  assert.equal(parseNabArgs(['--help']), 'help');
  assert.throws(() => parseNabArgs(['--out', 'o']), (e) => NabErrors.is(e, 'missing_flag'));
  assert.throws(() => parseNabArgs(['--data', 'd', '--out', 'o', '--speed']), (e) => NabErrors.is(e, 'unknown_flag'));
  assert.throws(() => parseNabArgs(['--data', '--out', 'o']), (e) => NabErrors.is(e, 'bad_flag_value'));
  assert.throws(() => parseNabArgs(['--data', 'd', '--out', 'o', '--detector', 'htm']), (e) => NabErrors.is(e, 'unknown_detector'));
  // Any name is fine when scoring files someone else produced.
  assert.equal((parseNabArgs(['--data', 'd', '--out', 'o', '--detector', 'numenta', '--score-only']) as { detector: string }).detector, 'numenta');
});

test('the null detector scores 0 on every profile and writes NAB result files', async () => {
  const root = writeMiniCorpus([{ relPath: 'realX/a.csv', values: Array.from({ length: 200 }, (_, i) => i % 7), windows: [[100, 119]] }]);
  try {
    const { out, io } = capture();
    assert.equal(await nabCommand.run(['--data', root, '--out', join(root, 'res'), '--detector', 'null'], io), 0);
    const lines = out.filter((l) => /^\s+(standard|reward_)/.test(l));
    assert.equal(lines.length, 3);
    for (const l of lines) assert.match(l, /\s0\.00\s/);
    assert.ok(existsSync(join(root, 'res', 'null', 'realX', 'null_a.csv')));
    assert.ok(existsSync(join(root, 'res', 'null', 'null_standard_scores.csv')));
  } finally {
    rmSync(root, { recursive: true });
  }
});

test('--score-only scores existing files: one detection at each window start is perfect', async () => {
  const n = 200;
  const root = writeMiniCorpus([
    { relPath: 'realX/a.csv', values: Array.from({ length: n }, () => 1), windows: [[100, 119]] },
    { relPath: 'realY/b.csv', values: Array.from({ length: n }, () => 1), windows: [[50, 59], [150, 159]] },
  ]);
  try {
    const write = (dir: string, file: string, hits: number[]) => {
      mkdirSync(join(root, 'res', 'oracle', dir), { recursive: true });
      const rows = Array.from({ length: n }, (_, i) => `${nabTimestamp(i)},1,${hits.includes(i) ? 1 : 0}`);
      writeFileSync(join(root, 'res', 'oracle', dir, file), `timestamp,value,anomaly_score\n${rows.join('\n')}\n`);
    };
    write('realX', 'oracle_a.csv', [100]);
    write('realY', 'oracle_b.csv', [50, 150]);
    const { out, io } = capture();
    assert.equal(await nabCommand.run(['--data', root, '--out', join(root, 'res'), '--detector', 'oracle', '--score-only'], io), 0);
    const lines = out.filter((l) => /^\s+(standard|reward_)/.test(l));
    for (const l of lines) assert.match(l, /\s100\.00\s/);
    const summary = JSON.parse(readFileSync(join(root, 'res', 'oracle', 'final_results.json'), 'utf8'));
    assert.equal(summary.oracle.standard, 100);
  } finally {
    rmSync(root, { recursive: true });
  }
});
