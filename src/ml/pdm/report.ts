/** Plain-text summaries of a model and of an evaluation, for the CLI and the benchmark. */
import type { EvaluationReport } from './evaluate.js';
import type { PdmModel } from './model.js';

const pct = (v: number) => (Number.isFinite(v) ? `${(v * 100).toFixed(1)}%` : 'n/a');
const num = (v: number, d = 1) => (Number.isFinite(v) ? v.toFixed(d) : 'n/a');

export function formatReport(model: PdmModel, ev?: EvaluationReport): string {
  const lines: string[] = [];
  lines.push(`model: data ${model.dataWindow.from} … ${model.dataWindow.to}, ${model.metrics.rows} rows of ${model.metrics.machines} machines, trained in ${num(model.metrics.trainingSeconds)} s`);
  lines.push(`  failures in training: ${Object.entries(model.metrics.failures).map(([m, n]) => `${m} ${n}`).join(', ')}`);
  for (const part of model.modes) {
    const cls = part.classifiers.map((c) => `${c.horizonHours} h: AP ${num(c.metrics.averagePrecision, 3)}, ECE ${num(c.metrics.reliability.ece, 4)}`).join('; ');
    const rul = part.rul ? `; RUL MAE ${num(part.rul.metrics.maeNearHours)} h within ${part.rul.capHours} h of failure, ${pct(part.rul.metrics.coverage)} in the ${pct(part.rul.interval.coverage)} interval` : '';
    const t = model.warning.thresholds[part.mode];
    lines.push(`  ${part.mode}: ${cls}${rul}; warns at p ≥ ${t === undefined ? 'never' : num(t, 3)}`);
  }
  const oof = model.warning.outOfFold;
  lines.push(`  out-of-fold warnings: precision ${pct(oof.precision)}, recall ${pct(oof.recall)} of ${oof.failures}, median lead ${num(oof.medianLeadHours)} h`);
  if (!ev) return lines.join('\n');
  lines.push(`held-out evaluation (${ev.machines} machines, ${ev.scorings} scorings, ${num(ev.testSeconds)} s):`);
  const w = (label: string, s: EvaluationReport['all']) =>
    `  ${label}: precision ${pct(s.precision)} (${s.truePositives}/${s.episodes} warnings), recall ${pct(s.recall)} (${s.detected}/${s.failures} failures), median lead ${num(s.medianLeadHours)} h`;
  lines.push(w('warned modes', ev.warned));
  lines.push(w('all failures', ev.all));
  for (const [mode, s] of Object.entries(ev.perMode)) lines.push(`    ${mode}: ${s.detected}/${s.failures} detected, median lead ${num(s.medianLeadHours)} h`);
  lines.push(`  false alarms whose mode maintenance found and repaired within the horizon: ${ev.confirmedByMaintenance} of ${ev.all.falsePositives}`);
  for (const c of ev.calibration) lines.push(`  calibration ${c.horizonHours} h: ECE ${num(c.reliability.ece, 4)}, Brier ${num(c.reliability.brier, 4)} over ${c.reliability.count} scorings (${c.reliability.positives} positive)`);
  lines.push(`  RUL interval coverage: ${pct(ev.rulCoverage.covered / Math.max(1, ev.rulCoverage.rows))} of ${ev.rulCoverage.rows}`);
  for (const f of ev.all.perFailure) lines.push(`    ${f.deviceId} ${f.mode} ${new Date(f.time).toISOString()}: ${f.detected ? `warned ${num(f.leadHours ?? Number.NaN)} h ahead` : 'missed'}`);
  return lines.join('\n');
}
