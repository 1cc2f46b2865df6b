/**
 * History: pick signals of any twins, plot them over any window with an aggregate per bucket, and
 * export what is shown as CSV.
 */
import type { AppContext } from '../app/context.js';
import { fill, h, placeholder } from '../app/dom.js';
import { exportCsv, readSeries, type Series, type SeriesRequest } from '../api/data.js';
import { toCsv } from '../lib/csv.js';
import { showOutcome } from './common.js';

// The functions and buckets of GET /api/timeseries/aggregate (src/timeseries/api.ts).
const AGGREGATES = ['raw', 'avg', 'min', 'max', 'sum', 'count', 'first', 'last', 'stddev', 'p95', 'twa'] as const;
const BUCKETS = ['1m', '5m', '15m', '1h', 'shift', 'day', 'week'] as const;
const BUCKET_WORDS: Readonly<Record<string, 'history.bucketShift' | 'history.bucketDay' | 'history.bucketWeek'>> = { shift: 'history.bucketShift', day: 'history.bucketDay', week: 'history.bucketWeek' };

/** `<input type=datetime-local>` value in local time. */
function localInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

export function mount(el: HTMLElement, ctx: AppContext, params: URLSearchParams): () => void {
  const t = ctx.i18n.t.bind(ctx.i18n);
  const now = Date.now();
  const twinsSel = h('select', { multiple: true, size: 8, 'aria-label': t('history.twins'), 'data-testid': 'history-twins' });
  const signals = h('input', { value: params.get('signals') ?? 'temperature,vibration', 'aria-label': t('history.signals'), list: 'tw-signals' });
  const datalist = h('datalist', { id: 'tw-signals' });
  const from = h('input', { type: 'datetime-local', value: localInput(now - 6 * 3_600_000), 'aria-label': t('history.from') });
  // The field has minute precision: round up, so what arrived in this minute is inside the window.
  const to = h('input', { type: 'datetime-local', value: localInput(Math.ceil((now + 1) / 60_000) * 60_000), 'aria-label': t('history.to') });
  const agg = h('select', { 'aria-label': t('history.aggregate') }, AGGREGATES.map((a) => h('option', { value: a, selected: a === 'avg' }, t(`agg.${a}`))));
  const bucket = h('select', { 'aria-label': t('history.bucket') }, BUCKETS.map((b) => h('option', { value: b, selected: b === '5m' }, BUCKET_WORDS[b] ? t(BUCKET_WORDS[b]) : b)));
  const chart = h('div', { class: 'chart' });
  const exportBtn = h('button', { type: 'button', class: 'secondary', disabled: true }, t('history.export'));
  const exportRawBtn = h('button', { type: 'button', class: 'secondary', disabled: true, 'data-testid': 'export-raw' }, t('history.exportRaw'));
  const form = h(
    'form',
    { class: 'history-form' },
    h('label', {}, t('history.twins'), twinsSel),
    h('div', { class: 'fields' }, h('label', {}, t('history.signals'), signals, datalist), h('label', {}, t('history.from'), from), h('label', {}, t('history.to'), to), h('label', {}, t('history.aggregate'), agg), h('label', {}, t('history.bucket'), bucket)),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('history.plot')), exportBtn, exportRawBtn),
  );
  el.replaceChildren(h('section', { class: 'history' }, h('h1', {}, t('view.history')), form, chart));
  let shown: Series[] = [];
  let request: SeriesRequest | undefined;
  let disposed = false;
  const save = (blob: Blob, what: string) => {
    const a = h('a', { href: URL.createObjectURL(blob), download: `twinworks-${what}-${new Date().toISOString().slice(0, 19).replaceAll(':', '')}.csv` });
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  };

  // Every stored point of the selection, as the server streams it (not only what is plotted).
  exportRawBtn.addEventListener('click', () => {
    if (!request) return;
    exportCsv(ctx.api, request).then(
      (blob) => save(blob, 'history-raw'),
      (err: unknown) => ctx.notify(t('common.loadFailed', { reason: err instanceof Error ? err.message : String(err) }), 'error'),
    );
  });

  exportBtn.addEventListener('click', () => {
    const rows = shown.flatMap((s) => s.points.map((p) => [s.twinId, s.signal, new Date(p.t).toISOString(), p.v]));
    save(new Blob([toCsv(['twinId', 'signal', 'time', 'value'], rows)], { type: 'text/csv;charset=utf-8' }), 'history');
  });

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const twinIds = [...twinsSel.selectedOptions].map((o) => o.value);
    const sigs = signals.value.split(',').map((s) => s.trim()).filter(Boolean);
    if (!twinIds.length || !sigs.length) return fill(chart, placeholder('empty', t('history.pick')));
    const a = agg.value;
    fill(chart, placeholder('loading', t('common.loading')));
    request = { twinIds, signals: sigs, from: new Date(from.value), to: new Date(to.value), ...(a === 'raw' ? {} : { bucket: bucket.value, aggregate: a }) };
    exportRawBtn.disabled = false;
    void readSeries(ctx.api, request).then((r) => {
      if (disposed) return;
      showOutcome(ctx, chart, r, (series) => {
        shown = series;
        exportBtn.disabled = !series.some((s) => s.points.length);
        if (exportBtn.disabled) return placeholder('empty', t('common.noDataYet'));
        const box = h('div', {});
        void import('../charts/charts.js').then(({ timeChart }) => timeChart(box, series, { width: Math.min(1100, el.clientWidth - 16), height: 320, locale: ctx.i18n.locale }));
        return box;
      });
    });
  });

  ctx.twins.ready().then(
    () => {
      const chosen = new Set(params.getAll('twin'));
      fill(twinsSel, [...ctx.twins.twins.keys()].sort().map((id) => h('option', { value: id, selected: chosen.has(id) }, id)));
      // Offer the telemetry names the models declare (DTDL Telemetry contents).
      const names = new Set<string>();
      for (const m of ctx.twins.models.values()) for (const c of (m.contents ?? []) as Array<Record<string, unknown>>) if (c['@type'] === 'Telemetry' && typeof c['name'] === 'string') names.add(c['name']);
      fill(datalist, [...names].sort().map((n) => h('option', { value: n })));
    },
    (err: unknown) => fill(chart, placeholder('error', String(err))),
  );
  return () => {
    disposed = true;
  };
}
