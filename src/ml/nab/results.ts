/**
 * NAB's result layout: `<out>/<detector>/<category>/<detector>_<file>.csv` with columns
 * `timestamp,value,anomaly_score` (NAB README "Running your own detector"), plus the per-profile score
 * tables `<detector>_<profile>_scores.csv` and `final_results.json` that NAB's runner writes.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { NabSeries } from './corpus.js';
import { NabErrors } from './errors.js';
import type { ProfileResult, ScoredSeries } from './scorer.js';

export function resultPath(outDir: string, detector: string, series: Pick<NabSeries, 'category' | 'name'>): string {
  return join(outDir, detector, series.category, `${detector}_${series.name}.csv`);
}

export function formatResultCsv(series: NabSeries, scores: ArrayLike<number>): string {
  const lines = ['timestamp,value,anomaly_score'];
  for (let i = 0; i < series.timestampText.length; i++) {
    lines.push(`${series.timestampText[i]},${series.valueText[i]},${scores[i]}`);
  }
  return `${lines.join('\n')}\n`;
}

export function writeResults(outDir: string, detector: string, series: readonly NabSeries[], scores: readonly ArrayLike<number>[]): void {
  series.forEach((s, k) => {
    const path = resultPath(outDir, detector, s);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, formatResultCsv(s, scores[k]!));
  });
}

/** Reads the `anomaly_score` column of a result file (extra columns, as in NAB's own files, are ignored). */
export function parseResultScores(text: string, source: string): Float64Array {
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  const header = (lines[0] ?? '').split(',');
  const col = header.indexOf('anomaly_score');
  if (col < 0) throw NabErrors.create('bad_data', `${source}: no anomaly_score column`, { source, header });
  const out = new Float64Array(lines.length - 1);
  for (let i = 1; i < lines.length; i++) {
    const cell = lines[i]!.split(',')[col] ?? '';
    const v = Number(cell);
    if (cell.trim() === '' || !Number.isFinite(v)) {
      throw NabErrors.create('bad_data', `${source}: bad anomaly_score on line ${i + 1}`, { source, line: i + 1, cell });
    }
    out[i - 1] = v;
  }
  return out;
}

/** Loads a detector's result files for every corpus series, checking they have one row per data row. */
export function readResults(outDir: string, detector: string, series: readonly NabSeries[]): ScoredSeries[] {
  return series.map((s) => {
    const path = resultPath(outDir, detector, s);
    if (!existsSync(path)) throw NabErrors.create('result_missing', `no result file ${path}`, { path, series: s.relPath });
    const scores = parseResultScores(readFileSync(path, 'utf8'), path);
    if (scores.length !== s.values.length) {
      throw NabErrors.create('bad_data', `${path}: ${scores.length} rows, data has ${s.values.length}`, { path, rows: scores.length, expected: s.values.length });
    }
    return { relPath: s.relPath, scores, windows: s.windows };
  });
}

export function formatScoreTable(detector: string, result: ProfileResult): string {
  const lines = ['Detector,Profile,File,Threshold,Score,TP,TN,FP,FN,Total_Count'];
  let tp = 0;
  let tn = 0;
  let fp = 0;
  let fn = 0;
  for (const f of result.files) {
    const total = f.tp + f.tn + f.fp + f.fn;
    lines.push([detector, result.profile, f.relPath, result.threshold, f.score, f.tp, f.tn, f.fp, f.fn, total].join(','));
    tp += f.tp;
    tn += f.tn;
    fp += f.fp;
    fn += f.fn;
  }
  lines.push(['Totals', '', '', '', result.raw, tp, tn, fp, fn, tp + tn + fp + fn].join(','));
  return `${lines.join('\n')}\n`;
}

export function writeScoreTables(outDir: string, detector: string, results: readonly ProfileResult[]): void {
  const dir = join(outDir, detector);
  mkdirSync(dir, { recursive: true });
  const summary: Record<string, number> = {};
  for (const r of results) {
    writeFileSync(join(dir, `${detector}_${r.profile}_scores.csv`), formatScoreTable(detector, r));
    summary[r.profile] = r.normalised;
  }
  writeFileSync(join(dir, 'final_results.json'), `${JSON.stringify({ [detector]: summary }, null, 2)}\n`);
}
