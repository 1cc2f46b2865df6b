/**
 * Failure-classification benchmarks (docs/ml-prediction.md §Classification).
 *
 *   nice -n 15 npx tsx bench/classify.ts [--data ../shared/datasets] [--only ai4i|azure] [--seed 1] [--final inner|refit] [--level-products]
 *     [--ratios] [--bag N] [--inner-folds K] [--repeats R] [--lr X] [--lambda X] [--min-leaf N] [--leaves N] [--depth N] [--rounds N] [--split-at edge|middle]
 *   (variant flags for the measurements in docs/ml-prediction.md; an absent flag keeps the default)
 *
 * AI4I 2020: target "Machine failure", failure-mode columns TWF/HDF/PWF/OSF/RNF excluded (they define
 * the target), UDI and Product ID excluded; stratified 5-fold CV in which every outer fold reruns the
 * whole training (inner CV, calibration, threshold) on the other four folds only.
 * Azure PdM: failure of any component within the next 24 h (and, harder, 24–48 h ahead) from errors,
 * maintenance, failures history and machine model/age; trained before 2015-09-01, tested after.
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { averagePrecision, binaryReport, confusion, parseCsv, parseFlags, take } from '../src/ml/core/index.js';
import { binaryLabels, buildAzureTask, crossValidate, dropColumns, predictClassifier, selectRows, tableFromCsv, timeSplit, trainClassifier } from '../src/ml/classify/index.js';

const f = parseFlags(process.argv.slice(2), { data: { kind: 'string' }, only: { kind: 'string' }, seed: { kind: 'number' }, final: { kind: 'string' }, 'level-products': { kind: 'boolean' }, ratios: { kind: 'boolean' }, bag: { kind: 'number' }, 'inner-folds': { kind: 'number' }, repeats: { kind: 'number' }, lr: { kind: 'number' }, lambda: { kind: 'number' }, 'min-leaf': { kind: 'number' }, leaves: { kind: 'number' }, depth: { kind: 'number' }, rounds: { kind: 'number' }, 'split-at': { kind: 'string' } }, 'bench/classify');
const root = f.data ?? process.env.TWINWORKS_DATASETS;
if (root === undefined) {
  console.error('give --data DIR (the datasets folder) or set TWINWORKS_DATASETS');
  process.exit(2);
}
const seed = f.seed ?? 1;
if (f.final !== undefined && f.final !== 'refit' && f.final !== 'inner') {
  console.error('--final takes refit or inner');
  process.exit(2);
}
const final = f.final as 'refit' | 'inner' | undefined;
const levelProducts = f['level-products'] === true;
// Variant flags for the measurements in docs/ml-prediction.md; each absent flag keeps the default.
const gbdtFlags = { learningRate: f.lr, lambda: f.lambda, minSamplesLeaf: f['min-leaf'], maxLeaves: f.leaves, maxDepth: f.depth, rounds: f.rounds, splitAt: f['split-at'] as 'edge' | 'middle' | undefined };
const gbdt = Object.fromEntries(Object.entries(gbdtFlags).filter(([, v]) => v !== undefined));
const variant = { final, levelProducts, ratios: f.ratios === true, bag: f.bag, innerFolds: f['inner-folds'], innerRepeats: f.repeats, gbdt };
console.log(`# variant ${JSON.stringify(variant)} seed ${seed}`);
const fmt = (v: number) => v.toFixed(3);
const cpuSeconds = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1e6;
console.log(`# classification benchmark — ${new Date().toISOString()} — ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'} — node ${process.version}`);

if (f.only === undefined || f.only === 'ai4i') {
  const table = tableFromCsv(parseCsv(readFileSync(join(root, 'ai4i2020', 'ai4i2020.csv'), 'utf8')));
  const { labels } = binaryLabels(table, 'Machine failure');
  const features = dropColumns(table, ['Machine failure', 'TWF', 'HDF', 'PWF', 'OSF', 'RNF', 'UDI', 'Product ID']);
  const c0 = process.cpuUsage();
  const t0 = Date.now();
  const res = crossValidate(features, labels, { folds: 5, seed, ...variant, onFold: (r) => console.log(`  fold ${r.fold}: F1 ${fmt(r.f1)} P ${fmt(r.precision)} R ${fmt(r.recall)} PR-AUC ${fmt(r.prAuc)} thr ${fmt(r.threshold)} inner-CV F1 ${fmt(r.innerF1)}`) });
  const s = res.summary;
  const pm = (k: keyof typeof s) => `${fmt(s[k].mean)} ± ${fmt(s[k].std)}`;
  console.log(`AI4I 5-fold: F1 ${pm('f1')} | precision ${pm('precision')} | recall ${pm('recall')} | PR-AUC ${pm('prAuc')} | ROC-AUC ${pm('rocAuc')}`);
  console.log(`AI4I inner-CV F1 (training rows only, mean over outer folds): ${fmt(res.folds.reduce((a, r) => a + r.innerF1, 0) / res.folds.length)}`);
  console.log(`AI4I pooled out-of-fold: F1 ${fmt(res.pooled.f1)} precision ${fmt(res.pooled.precision)} recall ${fmt(res.pooled.recall)} PR-AUC ${fmt(res.pooled.prAuc)}`);
  console.log(`AI4I time: wall ${((Date.now() - t0) / 1000).toFixed(0)} s, CPU ${cpuSeconds(process.cpuUsage(c0)).toFixed(0)} s (5 outer folds)`);
}

if (f.only === undefined || f.only === 'azure') {
  const read = (name: string) => parseCsv(readFileSync(join(root, 'azure_pdm', name), 'utf8'), name);
  const records = { machines: read('PdM_machines.csv'), errors: read('PdM_errors.csv'), maint: read('PdM_maint.csv'), failures: read('PdM_failures.csv') };
  for (const gap of [0, 24]) {
    const task = buildAzureTask(records, { stepHours: 3, horizonHours: 24, gapHours: gap });
    const { train, test } = timeSplit(task, Date.UTC(2015, 8, 1));
    const features = dropColumns(task.table, ['machineID']);
    const c0 = process.cpuUsage();
    const model = trainClassifier(selectRows(features, train), Uint8Array.from(take(task.labels, train)), { seed, ...variant });
    const cpu = cpuSeconds(process.cpuUsage(c0));
    const pred = predictClassifier(model, selectRows(features, test));
    const y = take(task.labels, test);
    const rep = binaryReport(confusion(pred.label, y));
    // Reference rule: "some error was logged in the last 24 h".
    const errCols = features.columns.flatMap((c, j) => (c.endsWith('_24h') ? [j] : []));
    const rule = Array.from(test, (i) => (errCols.some((j) => Number(features.rows[i]![j]) > 0) ? 1 : 0));
    const ruleRep = binaryReport(confusion(rule, y));
    const count = (v: ArrayLike<number>) => Array.from(v).reduce((a, b) => a + b, 0);
    console.log(
      `Azure PdM, failure in (t+${gap} h, t+${gap + 24} h]: train ${train.length} rows (${count(take(task.labels, train))} pos), test ${test.length} (${count(y)} pos) | ` +
        `F1 ${fmt(rep.f1)} precision ${fmt(rep.precision)} recall ${fmt(rep.recall)} PR-AUC ${fmt(averagePrecision(pred.probability, y))} | ` +
        `rule "error in last 24 h": F1 ${fmt(ruleRep.f1)} P ${fmt(ruleRep.precision)} R ${fmt(ruleRep.recall)} | train CPU ${cpu.toFixed(0)} s`,
    );
  }
}
