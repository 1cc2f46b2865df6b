/**
 * The live panel of one machine: state, key signals with sparklines, OEE, active alerts, health and
 * RUL, and the machine's commands for roles that may invoke them (emergency stop asks first).
 */
import type { AppContext } from '../../app/context.js';
import { fill, h, placeholder } from '../../app/dom.js';
import { can } from '../../auth/permissions.js';
import { readAlerts, readOee, readRisk, readSeries, type Outcome, type Risk } from '../../api/data.js';
import { riskFromTwin } from '../../lib/normalise.js';
import { isKnownReason } from '../../lib/reasons.js';
import { drawCommands } from './commands.js';
import { cssColor, normaliseState, SEVERITY_LOOK, STATE_LOOK } from '../../lib/state.js';
import { sparkline } from '../../charts/charts.js';
import { modeLabel } from '../common.js';

const SIGNALS: ReadonlyArray<{ name: string; unit: string }> = [
  { name: 'temperature', unit: '°C' },
  { name: 'vibration', unit: 'mm/s' },
  { name: 'power', unit: 'kW' },
  { name: 'pressure', unit: 'bar' },
];

export interface MachinePanel {
  readonly el: HTMLElement;
  /** Re-renders the live parts (state, properties) after a twin change. */
  refresh(): void;
  close(): void;
}

export function machinePanel(ctx: AppContext, twinId: string, onClose: () => void): MachinePanel {
  const t = ctx.i18n.t.bind(ctx.i18n);
  const stateBox = h('div', { class: 'state', 'data-testid': 'panel-state' });
  const props = h('dl', { class: 'props' });
  const signals = h('div', { class: 'signals' }, placeholder('loading', t('common.loading')));
  const oee = h('div', { class: 'oee' }, placeholder('loading', t('common.loading')));
  const alerts = h('div', { class: 'alerts' }, placeholder('loading', t('common.loading')));
  const health = h('div', { class: 'health' }, placeholder('loading', t('common.loading')));
  const commands = h('div', { class: 'commands', 'data-testid': 'commands' });
  const el = h(
    'aside',
    { class: 'panel', 'aria-label': t('panel.title', { id: twinId }), 'data-testid': 'machine-panel' },
    h('header', {}, h('h2', {}, twinId), h('button', { class: 'icon', 'aria-label': t('common.close'), onclick: onClose }, '×')),
    stateBox,
    props,
    h('h3', {}, t('panel.signals')),
    signals,
    h('h3', {}, t('panel.oee')),
    oee,
    h('h3', {}, t('panel.alerts')),
    alerts,
    h('h3', {}, t('panel.health')),
    health,
    commands,
  );
  let closed = false;

  const refresh = () => {
    const twin = ctx.twins.twins.get(twinId);
    if (!twin) return fill(stateBox, placeholder('error', t('panel.gone')));
    const state = normaliseState(twin['state']);
    const look = STATE_LOOK[state];
    // A reason says why the machine is not running; one that only repeats the state adds nothing.
    const reason = typeof twin['stateReason'] === 'string' && twin['stateReason'] !== '' && state !== 'Running' && twin['stateReason'] !== twin['state'] ? twin['stateReason'] : undefined;
    fill(stateBox, h('span', { class: 'swatch', style: `background:${cssColor(look.color)}`, 'aria-hidden': 'true' }, look.glyph), ' ', t(`state.${state}`), reason ? ` · ${isKnownReason(reason) ? t(`reason.${reason}`) : reason}` : '');
    const model = twin.$metadata?.$model ?? '';
    const rows: Array<[string, string]> = [[t('panel.model'), ctx.twins.models.get(model)?.displayName ?? model]];
    if (typeof twin['speed'] === 'number') rows.push([t('panel.speed'), ctx.i18n.pct(twin['speed'], 0)]);
    if (typeof twin['idealCycleTime'] === 'number') rows.push([t('panel.idealCycle'), ctx.i18n.unit(twin['idealCycleTime'], 's')]);
    if (typeof twin['oee'] === 'number') rows.push([t('panel.oeeLive'), ctx.i18n.pct(twin['oee'])]);
    fill(props, rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
    drawHealth();
  };

  const show = <T>(box: HTMLElement, r: Outcome<T>, draw: (v: T) => Node | Node[]) => {
    if (closed) return;
    if (r.ok) fill(box, draw(r.value));
    else fill(box, placeholder(r.reason === 'error' ? 'error' : 'empty', r.reason === 'missing' ? t('common.noDataYet') : r.reason === 'offline' ? t('common.offline') : r.message));
  };

  const now = new Date();
  const hourAgo = new Date(now.getTime() - 3_600_000);
  void readSeries(ctx.api, { twinIds: [twinId], signals: SIGNALS.map((s) => s.name), from: hourAgo, to: now, bucket: '1m', aggregate: 'avg' }).then((r) =>
    show(signals, r, (series) => {
      const rows = SIGNALS.map((sig) => {
        const s = series.find((x) => x.signal === sig.name);
        const last = s?.points.at(-1);
        if (!s || !last) return null;
        const chart = h('div', { class: 'spark' });
        queueMicrotask(() => sparkline(chart, s.points, sig.name));
        return h('div', { class: 'signal' }, h('span', { class: 'name' }, t(`signal.${sig.name}` as 'signal.temperature')), chart, h('span', { class: 'value' }, ctx.i18n.unit(last.v, sig.unit)));
      }).filter((x): x is HTMLDivElement => x !== null);
      return rows.length ? rows : [placeholder('empty', t('common.noDataYet'))];
    }),
  );
  const shiftStart = new Date(now.getTime() - 8 * 3_600_000);
  void readOee(ctx.api, twinId, shiftStart, now).then((r) =>
    show(oee, r, (v) =>
      v
        ? h(
            'dl',
            { class: 'kpis' },
            h('dt', {}, 'OEE'),
            h('dd', {}, ctx.i18n.pct(v.oee)),
            h('dt', {}, t('oee.availability')),
            h('dd', {}, ctx.i18n.pct(v.availability)),
            h('dt', {}, t('oee.performance')),
            h('dd', {}, ctx.i18n.pct(v.performance)),
            h('dt', {}, t('oee.quality')),
            h('dd', {}, ctx.i18n.pct(v.quality)),
            h('dt', {}, t('line.good')),
            h('dd', {}, ctx.i18n.num(v.goodCount, 0)),
            h('dt', {}, t('line.rejects')),
            h('dd', {}, ctx.i18n.num(v.rejectCount, 0)),
          )
        : placeholder('empty', t('common.noDataYet')),
    ),
  );
  void readAlerts(ctx.api, { twinId, state: 'open' }).then((r) =>
    show(alerts, r, (list) =>
      list.length
        ? h(
            'ul',
            {},
            list.map((a) => h('li', { class: `sev-${a.severity}` }, h('span', { 'aria-hidden': 'true' }, SEVERITY_LOOK[a.severity].glyph), ` ${t(`severity.${a.severity}`)}: ${a.message}`)),
          )
        : placeholder('empty', t('panel.noAlerts')),
    ),
  );
  // Health: the ML API's row when it has this machine, else what the scorer wrote on the twin (live).
  let apiRisk: Outcome<Risk[]> | undefined;
  const drawHealth = () => {
    if (closed) return;
    const fromApi = apiRisk?.ok ? apiRisk.value.find((x) => x.twinId === twinId) : undefined;
    const mine = fromApi ?? riskFromTwin(ctx.twins.twins.get(twinId));
    if (!mine) {
      if (apiRisk === undefined) return;
      return show(health, apiRisk.ok ? { ...apiRisk, value: [] } : apiRisk, () => placeholder('empty', t('common.noDataYet')));
    }
    const rows: Node[] = [];
    if (mine.health !== undefined) rows.push(h('dt', {}, t('risk.health')), h('dd', {}, ctx.i18n.pct(mine.health, 0)));
    if (mine.failureProbability !== undefined) rows.push(h('dt', {}, t('risk.failure')), h('dd', {}, ctx.i18n.pct(mine.failureProbability, 0)));
    if (mine.rulHours !== undefined) rows.push(h('dt', {}, t('risk.rul')), h('dd', {}, `${mine.rulCensored ? '≥ ' : ''}${ctx.i18n.unit(mine.rulHours, 'h', 0)}`));
    if (mine.mode) rows.push(h('dt', {}, t('risk.mode')), h('dd', {}, modeLabel(ctx, mine.mode)));
    if (!rows.length) return fill(health, placeholder('empty', t('common.noDataYet')));
    fill(health, h('dl', { class: 'kpis' }, rows), mine.recommendation ? h('p', { class: 'rec' }, mine.recommendation) : '', mine.explanation?.length ? h('ul', { class: 'why' }, mine.explanation.map((e) => h('li', {}, e))) : '');
  };
  void readRisk(ctx.api, ctx.i18n.lang).then((r) => {
    apiRisk = r;
    drawHealth();
  });

  // Commands only for roles allowed to invoke them (the API refuses others anyway), as the model declares them.
  const roles = ctx.session.current?.roles ?? [];
  if (can(roles, 'commands.invoke')) drawCommands(ctx, twinId, commands);
  refresh();
  return {
    el,
    refresh,
    close() {
      closed = true;
      el.remove();
    },
  };
}
