/**
 * Line view: the flow of stations (state, counts and OEE of each), each station's state over the
 * shift, the line's OEE with its three factors and counts, downtime by reason over the stations
 * and the current bottleneck, all from the API for the chosen line (src/analytics: a line's OEE
 * follows the bottleneck rule; a station's is its own).
 */
import type { AppContext } from '../app/context.js';
import { fill, h, placeholder } from '../app/dom.js';
import { readOee, readStates, type Oee, type Outcome } from '../api/data.js';
import { mergeDowntime } from '../lib/downtime.js';
import { isKnownReason } from '../lib/reasons.js';
import { cssColor, normaliseState, STATE_LOOK } from '../lib/state.js';
import { toSegments } from '../lib/timeline.js';
import { linesOf, setParam, showOutcome } from './common.js';

const SHIFT_MS = 8 * 3_600_000;

export function mount(el: HTMLElement, ctx: AppContext, params: URLSearchParams): () => void {
  const t = ctx.i18n.t.bind(ctx.i18n);
  const picker = h('div', { class: 'toolbar' });
  const flow = h('ol', { class: 'flow', 'aria-label': t('line.flow') });
  const timeline = h('div', { class: 'timeline' });
  const kpis = h('div', { class: 'kpi-grid', 'data-testid': 'line-kpis' });
  const downtime = h('div', { class: 'downtime' });
  el.replaceChildren(
    h('section', { class: 'line-view' }, h('h1', {}, t('view.line')), picker, flow, h('h2', {}, t('line.timeline')), timeline, h('h2', {}, t('line.performance')), kpis, h('h2', {}, t('line.downtime')), downtime),
  );
  let lineId = params.get('id') ?? '';
  let disposed = false;
  let stations = new Map<string, Outcome<Oee | undefined>>();
  let bottleneck: string | undefined;

  const drawFlow = () => {
    const line = linesOf(ctx).find((l) => l.id === lineId);
    if (!line) return fill(flow, placeholder('empty', t('line.none')));
    fill(
      flow,
      line.machineIds.map((id) => {
        const state = normaliseState(ctx.twins.twins.get(id)?.['state']);
        const look = STATE_LOOK[state];
        const r = stations.get(id);
        const v = r?.ok ? r.value : undefined;
        return h(
          'li',
          { class: `station state-${state}${id === bottleneck ? ' bottleneck' : ''}`, 'data-id': id },
          h('span', { class: 'swatch', style: `background:${cssColor(look.color)}`, 'aria-hidden': 'true' }, look.glyph),
          h('strong', {}, id),
          h('span', {}, t(`state.${state}`)),
          v ? h('span', { class: 'counts', title: t('line.counts') }, `${t('line.counts')}: ${ctx.i18n.num(v.goodCount, 0)} / ${ctx.i18n.num(v.rejectCount, 0)}`) : null,
          v ? h('span', { class: 'oee' }, `OEE ${ctx.i18n.pct(v.oee)}`) : null,
          id === bottleneck ? h('span', { class: 'tag' }, t('line.bottleneck')) : null,
        );
      }),
    );
  };

  const load = async () => {
    const lines = linesOf(ctx);
    if (!lineId || !lines.some((l) => l.id === lineId)) lineId = lines[0]?.id ?? '';
    const sel = h('select', { 'aria-label': t('line.pick') }, lines.map((l) => h('option', { value: l.id, selected: l.id === lineId }, l.name)));
    sel.addEventListener('change', () => {
      lineId = sel.value;
      setParam('id', lineId);
      void load();
    });
    fill(picker, h('label', {}, `${t('line.pick')} `, sel));
    stations = new Map();
    bottleneck = undefined;
    drawFlow();
    const line = lines.find((l) => l.id === lineId);
    if (!line) return;
    const to = new Date();
    const from = new Date(to.getTime() - SHIFT_MS);
    const [states, oee, ...perStation] = await Promise.all([readStates(ctx.api, line.machineIds, from, to), readOee(ctx.api, line.id, from, to), ...line.machineIds.map((id) => readOee(ctx.api, id, from, to))]);
    if (disposed) return;
    stations = new Map(line.machineIds.map((id, i) => [id, perStation[i]!]));
    bottleneck = oee.ok ? oee.value?.bottleneck : undefined;
    drawFlow();
    showOutcome(ctx, timeline, states, (byTwin) => {
      const span = to.getTime() - from.getTime();
      const rows = line.machineIds.map((id) => {
        const segs = toSegments(byTwin.get(id) ?? [], from.getTime(), to.getTime());
        return h(
          'div',
          { class: 'tl-row' },
          h('span', { class: 'tl-name' }, id),
          h(
            'div',
            { class: 'tl-bar', role: 'img', 'aria-label': segs.map((s) => `${t(`state.${normaliseState(s.state)}`)} ${ctx.i18n.time(s.from)}–${ctx.i18n.time(s.to)}`).join(', ') || t('common.noDataYet') },
            segs.map((s) => {
              const st = normaliseState(s.state);
              return h('span', {
                class: `tl-seg state-${st}`,
                title: `${t(`state.${st}`)} (${s.state}) ${ctx.i18n.time(s.from)}–${ctx.i18n.time(s.to)}`,
                style: `left:${((s.from - from.getTime()) / span) * 100}%;width:${((s.to - s.from) / span) * 100}%;background:${cssColor(STATE_LOOK[st].color)}`,
              });
            }),
          ),
        );
      });
      return [h('div', { class: 'tl-axis' }, h('span', {}, ctx.i18n.time(from.getTime())), h('span', {}, ctx.i18n.time(to.getTime()))), ...rows];
    });
    showOutcome(ctx, kpis, oee, (v) => (v ? kpiCards(ctx, v) : placeholder('empty', t('common.noDataYet'))));
    const known = perStation.filter((r): r is Extract<typeof r, { ok: true }> => r.ok).map((r) => r.value?.downtimeByReason ?? []);
    const firstFailure = perStation.find((r) => !r.ok);
    if (known.length === 0 && firstFailure) return showOutcome(ctx, downtime, firstFailure, () => '');
    const reasons = mergeDowntime(known);
    if (!reasons.length) return fill(downtime, placeholder('empty', t('common.noDataYet')));
    const max = reasons[0]!.seconds || 1;
    fill(
      downtime,
      h(
        'table',
        { class: 'bars' },
        h('thead', {}, h('tr', {}, [t('line.state'), t('line.reason'), t('line.stops'), t('line.minutes')].map((c) => h('th', { scope: 'col' }, c)))),
        h(
          'tbody',
          {},
          reasons.map((d) => {
            const st = normaliseState(d.state);
            return h('tr', {}, h('td', {}, `${STATE_LOOK[st].glyph} ${t(`state.${st}`)}`), h('td', {}, d.reason === 'noData' ? t('line.noData') : isKnownReason(d.reason) ? t(`reason.${d.reason}`) : d.reason), h('td', {}, ctx.i18n.num(d.occurrences, 0)), h('td', {}, h('span', { class: 'bar', style: `width:${(d.seconds / max) * 100}%` }), ` ${ctx.i18n.num(d.seconds / 60, 0)}`));
          }),
        ),
      ),
    );
  };

  const unsubscribe = ctx.twins.subscribe((_changed, structural) => (structural ? void load() : drawFlow()));
  ctx.twins.ready().then(load, (err: unknown) => fill(flow, placeholder('error', t('common.loadFailed', { reason: String(err) }))));
  return () => {
    disposed = true;
    unsubscribe();
  };
}

export function kpiCards(ctx: AppContext, v: Oee): HTMLElement {
  const t = ctx.i18n.t.bind(ctx.i18n);
  const card = (label: string, value: string, note?: string) => h('div', { class: 'kpi' }, h('span', { class: 'label' }, label), h('span', { class: 'value' }, value), note ? h('span', { class: 'note' }, note) : null);
  const cards = [
    card('OEE', ctx.i18n.pct(v.oee), t('oee.formula')),
    card(t('oee.availability'), ctx.i18n.pct(v.availability)),
    card(t('oee.performance'), ctx.i18n.pct(v.performance)),
    card(t('oee.quality'), ctx.i18n.pct(v.quality)),
    card(t('line.good'), ctx.i18n.num(v.goodCount, 0)),
    card(t('line.rejects'), ctx.i18n.num(v.rejectCount, 0)),
  ];
  if (v.bottleneck) cards.push(card(t('line.bottleneck'), v.bottleneck, t('line.bottleneckRule')));
  return h('div', { class: 'kpis-row' }, cards);
}
