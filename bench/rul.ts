/**
 * C-MAPSS remaining-useful-life benchmark (docs/ml-prediction.md §RUL).
 *
 *   nice -n 10 npx tsx bench/rul.ts [--data ../shared/datasets/cmapss] [--subsets FD001,FD002] [--seed 1] [--out DIR]
 *
 * For each subset: train on train_FD00x.txt with the default model (5 engine-grouped folds, GBDT + MLP),
 * predict the last cycle of every test engine, and score against RUL_FD00x.txt exactly as published
 * (RMSE over test engines, PHM08 score as a sum over engines, true RUL not capped). Also reports
 * RMSE and score against the capped truth min(RUL, 125), which some papers use, each member kind alone,
 * and the "oracle" RMSE of a perfect capped predictor against the uncapped truth (the floor any model
 * trained on a 125 cap has under the uncapped protocol). --out DIR writes DIR/pred_<subset>.csv (unit,rul).
 * Wall time depends on what else runs on the machine; CPU time is the process's own user + system time.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { formatCsv, parseFlags, phm08Score, rmse } from '../src/ml/core/index.js';
import { parseCmapss, parseRulTruth, predictRul, trainRul } from '../src/ml/rul/index.js';

const f = parseFlags(process.argv.slice(2), { data: { kind: 'string' }, subsets: { kind: 'list' }, seed: { kind: 'number' }, out: { kind: 'string' } }, 'bench/rul');
const root = f.data ?? (process.env.TWINWORKS_DATASETS ? join(process.env.TWINWORKS_DATASETS, 'cmapss') : undefined);
if (root === undefined) {
  console.error('give --data DIR (the cmapss folder) or set TWINWORKS_DATASETS');
  process.exit(2);
}
const subsets = f.subsets ?? ['FD001', 'FD002', 'FD003', 'FD004'];
console.log(`# C-MAPSS RUL benchmark — ${new Date().toISOString()} — ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'} — node ${process.version}`);
const rows: string[] = [];
for (const s of subsets) {
  const train = parseCmapss(readFileSync(join(root, `train_${s}.txt`), 'utf8'));
  const test = parseCmapss(readFileSync(join(root, `test_${s}.txt`), 'utf8'));
  const truth = parseRulTruth(readFileSync(join(root, `RUL_${s}.txt`), 'utf8'));
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const model = trainRul(train, { seed: f.seed ?? 1, onProgress: (m) => console.log(`  ${s}: ${m}`) });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const c = process.cpuUsage(cpu0);
  const cpu = (c.user + c.system) / 1e6;
  const pred = predictRul(model, test);
  const only = (w: number) => predictRul({ ...model, gbdtWeight: w }, test);
  const capped = truth.map((v) => Math.min(v, model.cap));
  const line = {
    subset: s,
    engines: test.length,
    rmse: rmse(pred, truth),
    score: phm08Score(pred, truth),
    rmseCappedTruth: rmse(pred, capped),
    scoreCappedTruth: phm08Score(pred, capped),
    oracleRmse: rmse(capped, truth),
    gbdtOnly: rmse(only(1), truth),
    mlpOnly: rmse(only(0), truth),
    gbdtWeight: model.gbdtWeight,
    trainWallSeconds: wall,
    trainCpuSeconds: cpu,
  };
  console.log(JSON.stringify(line));
  if (f.out !== undefined) {
    mkdirSync(f.out, { recursive: true });
    writeFileSync(join(f.out, `pred_${s}.csv`), formatCsv(['unit', 'rul'], test.map((h, i) => [h.id, pred[i]!.toFixed(3)])));
  }
  rows.push(
    `| ${s} | ${line.rmse.toFixed(2)} | ${line.score.toFixed(0)} | ${line.oracleRmse.toFixed(2)} | ${line.rmseCappedTruth.toFixed(2)} | ${line.scoreCappedTruth.toFixed(0)} | ` +
      `${line.gbdtOnly.toFixed(2)} / ${line.mlpOnly.toFixed(2)} | ${wall.toFixed(0)} s | ${cpu.toFixed(0)} s |`,
  );
}
console.log('\n| Subset | RMSE | PHM08 score | oracle RMSE | RMSE, capped truth | score, capped truth | GBDT / MLP alone (RMSE) | train wall | train CPU |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const r of rows) console.log(r);
