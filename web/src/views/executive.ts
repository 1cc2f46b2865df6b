/**
 * Executive: OEE and its trend per line and for the plant, downtime and its cost, scrap cost,
 * energy per unit, availability gained since predictive maintenance started, for a chosen period.
 * Costs come from the rates the plant configures (currency, per hour of downtime, per scrapped
 * part, per kWh); each figure shows its method beside it. No rate, no cost figure.
 */
import type { AppContext } from '../app/context.js';
import { fill, h, placeholder } from '../app/dom.js';
import { readOee, readOeeTrend, readPdmStart, type Oee, type Series } from '../api/data.js';
import { availabilityGain, downtimeCost, energyPerUnit, parseRates, scrapCost, type CostRates, type Figure } from '../lib/costs.js';
import { rollupTrend } from '../lib/rollup.js';
import { linesOf, periodPicker, PERIOD_MS, showOutcome, siteOf, type Period } from './common.js';
import type { MessageKey } from '../i18n/i18n.js';

const RATES_KEY = 'tw.rates';
const PDM_KEY = 'tw.pdmStartedOn';

export function mount(el: HTMLElement, ctx: AppContext, params: URLSearchParams): () => void {
  const t = ctx.i18n.t.bind(ctx.i18n);
  let period: Period = (params.get('period') as Period) in PERIOD_MS ? (params.get('period') as Period) : '24h';
  let disposed = false;
  const toolbar = h('div', { class: 'toolbar' });
  const table = h('div', { class: 'oee-table' }, placeholder('loading', t('common.loading')));
  const costs = h('div', { class: 'costs' });
  const trend = h('div', { class: 'trend' });
  const settings = h('details', { class: 'settings' });
  el.replaceChildren(h('section', { class: 'executive' }, h('h1', {}, t('view.executive')), toolbar, h('h2', {}, t('exec.oee')), table, h('h2', {}, t('exec.trend')), trend, h('h2', {}, t('exec.costs')), costs, settings));

  const rates = () => parseRates(localStorage.getItem(RATES_KEY));

  const drawSettings = () => {
    const r = rates();
    const field = (name: string, label: string, value: string | number | undefined, type = 'number') =>
      h('label', {}, label, h('input', { name, type, step: 'any', min: type === 'number' ? 0 : undefined, value: value ?? '', ...(name === 'currency' ? { pattern: '[A-Z]{3}', maxlength: 3 } : {}) }));
    const form = h(
      'form',
      { class: 'rates' },
      field('currency', t('rates.currency'), r?.currency, 'text'),
      field('downtimePerHour', t('rates.downtime'), r?.downtimePerHour),
      field('scrapPerPart', t('rates.scrap'), r?.scrapPerPart),
      field('energyPerKwh', t('rates.energy'), r?.energyPerKwh),
      field('pdm', t('rates.pdmStart'), localStorage.getItem(PDM_KEY) ?? undefined, 'date'),
      h('button', { type: 'submit' }, t('common.save')),
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const data = new FormData(form);
      const numOf = (k: string) => (String(data.get(k) ?? '') === '' ? undefined : Number(data.get(k)));
      const next = { currency: String(data.get('currency') ?? '').toUpperCase(), downtimePerHour: numOf('downtimePerHour'), scrapPerPart: numOf('scrapPerPart'), energyPerKwh: numOf('energyPerKwh') };
      if (!parseRates(JSON.stringify(next))) return ctx.notify(t('rates.invalid'), 'error');
      localStorage.setItem(RATES_KEY, JSON.stringify(next));
      const pdm = String(data.get('pdm') ?? '');
      if (pdm) localStorage.setItem(PDM_KEY, pdm);
      else localStorage.removeItem(PDM_KEY);
      void load();
    });
    fill(settings, h('summary', {}, t('rates.title')), h('p', { class: 'note' }, t('rates.note')), form);
  };

  const figure = (label: string, fig: Figure | undefined, format: (v: number) => string, missing: MessageKey) =>
    h(
      'div',
      { class: 'kpi' },
      h('span', { class: 'label' }, label),
      h('span', { class: 'value' }, fig ? format(fig.value) : '—'),
      h('span', { class: 'method' }, fig ? t(fig.method.key as MessageKey, fmtParams(fig.method.params)) : t(missing)),
    );
  const fmtParams = (p: Readonly<Record<string, number | string>>) => Object.fromEntries(Object.entries(p).map(([k, v]) => [k, typeof v === 'number' ? ctx.i18n.num(v, 2) : v]));

  let loadSeq = 0;
  const load = async () => {
    // A newer load (another period chosen) makes this one stale: it stops drawing.
    const mySeq = ++loadSeq;
    const stale = () => disposed || mySeq !== loadSeq;
    await ctx.twins.ready();
    const lines = linesOf(ctx);
    const site = siteOf(ctx);
    const to = new Date();
    const from = new Date(to.getTime() - PERIOD_MS[period]);
    const scopes = [...(site ? [{ id: site, name: t('exec.plant') }] : []), ...lines.map((l) => ({ id: l.id, name: l.name }))];
    const bucket = period === '8h' || period === '24h' ? 'hour' : 'day';
    fill(trend, placeholder('loading', t('common.loading')));
    const results = await Promise.all(scopes.map((s) => readOee(ctx.api, s.id, from, to)));
    if (stale()) return;
    const first = results.find((r) => !r.ok);
    if (first && !first.ok && results.every((r) => !r.ok)) {
      showOutcome(ctx, table, first, () => '');
      showOutcome(ctx, costs, first, () => '');
    } else {
      fill(
        table,
        h(
          'table',
          {},
          h('thead', {}, h('tr', {}, ['', 'OEE', t('oee.availability'), t('oee.performance'), t('oee.quality')].map((c) => h('th', { scope: 'col' }, c)))),
          h(
            'tbody',
            {},
            scopes.map((s, i) => {
              const r = results[i]!;
              const v = r.ok ? r.value : undefined;
              const cell = (x: number | undefined) => h('td', {}, x === undefined ? t('common.noDataYet') : ctx.i18n.pct(x));
              return h('tr', {}, h('th', { scope: 'row' }, s.name), cell(v?.oee), cell(v?.availability), cell(v?.performance), cell(v?.quality));
            }),
          ),
        ),
        h('p', { class: 'method' }, t('oee.formula')),
      );
      const plantIdx = site ? 0 : -1;
      const plant: Oee | undefined = plantIdx === 0 && results[0]!.ok ? results[0]!.value : undefined;
      await drawCosts(plant, from, to);
      if (stale()) return;
    }
    // The trend is OEE recomputed per bucket from the history (not an average of stored figures), the
    // heaviest query here: per line, one at a time, after the figures; the box says how far it got.
    // The plant's buckets are the lines' rolled up (rollupTrend), not a second pass over every machine.
    const lineScopes = lines.map((l) => ({ id: l.id, name: l.name }));
    const trends: Awaited<ReturnType<typeof readOeeTrend>>[] = [];
    for (const s of lineScopes) {
      fill(trend, placeholder('loading', `${t('common.loading')} ${trends.length + 1}/${lineScopes.length}`));
      trends.push(await readOeeTrend(ctx.api, s.id, from, to, bucket));
      if (stale()) return;
    }
    const okTrends = trends.flatMap((r, i) => (r.ok ? [{ name: lineScopes[i]!.name, rows: r.value }] : []));
    const firstTrendFailure = trends.find((r) => !r.ok);
    if (okTrends.length === 0 && firstTrendFailure) return showOutcome(ctx, trend, firstTrendFailure, () => '');
    const series: Series[] = okTrends.map((x) => ({ twinId: x.name, signal: 'OEE', points: x.rows.flatMap((r) => (r.oee === undefined ? [] : [{ t: r.from, v: r.oee }])) }));
    if (site && okTrends.length === lineScopes.length) series.unshift({ twinId: t('exec.plant'), signal: 'OEE', points: rollupTrend(okTrends.map((x) => x.rows)) });
    if (!series.some((x) => x.points.length)) return fill(trend, placeholder('empty', t('common.noDataYet')));
    const box = h('div', { class: 'chart' });
    fill(trend, box, h('p', { class: 'method' }, t('exec.trendMethod', { bucket: t(bucket === 'hour' ? 'period.hour' : 'period.day') })), h('p', { class: 'method' }, t('exec.plantTrendMethod')));
    void import('../charts/charts.js').then(({ timeChart }) => timeChart(box, series, { width: Math.min(900, el.clientWidth - 16), height: 260, locale: ctx.i18n.locale, yLabel: 'OEE', percent: true }));
  };

  const drawCosts = async (plant: Oee | undefined, from: Date, to: Date) => {
    const r: CostRates = rates() ?? { currency: '' };
    const money = (v: number) => (r.currency ? ctx.i18n.money(v, r.currency) : ctx.i18n.num(v, 0));
    if (!plant) return fill(costs, placeholder('empty', t('common.noDataYet')));
    const downtimeH = plant.downtimeSeconds / 3600;
    const scrap = plant.rejectCount;
    const energy = plant.energyKwh !== undefined ? energyPerUnit(plant.energyKwh, plant.goodCount, r) : undefined;
    const cards: HTMLElement[] = [
      figure(t('exec.downtime'), { value: downtimeH, method: { key: 'method.downtimeHours', params: { hours: downtimeH } } }, (v) => ctx.i18n.unit(v, 'h'), 'common.noDataYet'),
      figure(t('exec.downtimeCost'), downtimeCost(downtimeH, r), money, rates()?.downtimePerHour === undefined ? 'rates.missing' : 'common.noDataYet'),
      figure(t('exec.scrap'), { value: scrap, method: { key: 'method.scrap', params: {} } }, (v) => ctx.i18n.num(v, 0), 'common.noDataYet'),
      figure(t('exec.scrapCost'), scrapCost(scrap, r), money, rates()?.scrapPerPart === undefined ? 'rates.missing' : 'common.noDataYet'),
      figure(t('exec.energyPerUnit'), energy?.kwh, (v) => ctx.i18n.unit(v, 'kWh', 2), 'common.noDataYet'),
      figure(t('exec.energyCostPerUnit'), energy?.cost, (v) => (r.currency ? new Intl.NumberFormat(ctx.i18n.locale, { style: 'currency', currency: r.currency }).format(v) : ctx.i18n.num(v, 2)), rates()?.energyPerKwh === undefined ? 'rates.missing' : 'common.noDataYet'),
    ];
    // The date set under "Cost rates" wins; else the ML registry's first promotion.
    const pdm = localStorage.getItem(PDM_KEY);
    const registry = pdm ? undefined : await readPdmStart(ctx.api);
    const startMs = pdm ? new Date(`${pdm}T00:00:00`).getTime() : registry?.ok ? registry.value : undefined;
    const site = siteOf(ctx);
    if (startMs !== undefined && site) {
      const start = new Date(startMs);
      const span = Math.min(to.getTime() - start.getTime(), PERIOD_MS['30d']);
      if (span > 0) {
        const [before, after] = await Promise.all([readOee(ctx.api, site, new Date(start.getTime() - span), start), readOee(ctx.api, site, start, new Date(start.getTime() + span))]);
        const gain = before.ok && after.ok ? availabilityGain(before.value?.availability, after.value?.availability, ctx.i18n.date(start.getTime())) : undefined;
        cards.push(figure(t('exec.availabilityGain'), gain, (v) => `${v >= 0 ? '+' : ''}${ctx.i18n.num(v, 1)} ${t('exec.points')}`, 'common.noDataYet'));
      }
    } else cards.push(figure(t('exec.availabilityGain'), undefined, String, 'rates.pdmMissing'));
    void from;
    fill(costs, h('div', { class: 'kpis-row' }, cards));
  };

  fill(
    toolbar,
    periodPicker(ctx, period, (p) => {
      period = p;
      const url = new URL(location.href);
      url.searchParams.set('period', p);
      history.replaceState(null, '', url);
      void load();
    }),
  );
  drawSettings();
  void load().catch((err: unknown) => fill(table, placeholder('error', t('common.loadFailed', { reason: String(err) }))));
  return () => {
    disposed = true;
  };
}
