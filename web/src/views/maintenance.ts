/**
 * Maintenance: machines ranked by risk, predicted failures on a calendar, active alerts with
 * acknowledge/resolve (queued while offline), and recommendations with their explanations.
 */
import type { AppContext } from '../app/context.js';
import { fill, h, placeholder } from '../app/dom.js';
import { can } from '../auth/permissions.js';
import { readAlerts, readRecommendations, readRisk, type Alert, type Recommendation, type Risk } from '../api/data.js';
import { LiveStream } from '../api/live.js';
import { ROUTES } from '../api/routes.js';
import { ApiError } from '../api/client.js';
import { predictedFailureDay, rankByRisk } from '../lib/risk.js';
import { riskFromTwin } from '../lib/normalise.js';
import { SEVERITY_LOOK } from '../lib/state.js';
import { modeLabel, showOutcome } from './common.js';

export function mount(el: HTMLElement, ctx: AppContext): () => void {
  const t = ctx.i18n.t.bind(ctx.i18n);
  const risk = h('div', { class: 'risk' }, placeholder('loading', t('common.loading')));
  const calendar = h('div', { class: 'calendar' });
  const alerts = h('div', { class: 'alerts', 'data-testid': 'alerts' }, placeholder('loading', t('common.loading')));
  const recs = h('div', { class: 'recs' });
  el.replaceChildren(
    h(
      'section',
      { class: 'maintenance' },
      h('h1', {}, t('view.maintenance')),
      h('div', { class: 'cols' }, h('div', {}, h('h2', {}, t('maint.alerts')), alerts), h('div', {}, h('h2', {}, t('maint.risk')), risk)),
      h('h2', {}, t('maint.calendar')),
      calendar,
      h('h2', {}, t('maint.recommendations')),
      recs,
    ),
  );
  let disposed = false;
  const mayRespond = can(ctx.session.current?.roles ?? [], 'alerts.respond');

  const respond = async (a: Alert, action: 'acknowledge' | 'resolve', row: HTMLElement) => {
    const url = action === 'acknowledge' ? ROUTES.alertAck(a.id) : ROUTES.alertResolve(a.id);
    try {
      // Who acknowledged comes from the token on the server; the body holds only an optional note.
      const how = await ctx.api.sendOrQueue('POST', url, {}, `${t(`alert.${action}`)} ${a.id}`);
      row.dataset['state'] = action === 'acknowledge' ? 'acknowledged' : 'resolved';
      const stateCell = row.querySelector('.state');
      if (stateCell) stateCell.textContent = how === 'queued' ? t('alert.queued') : t(`alert.state.${action === 'acknowledge' ? 'acknowledged' : 'resolved'}`);
      // The action is done (or queued): its button goes; resolving leaves nothing to do on the row.
      if (action === 'acknowledge') row.querySelector(`[data-testid="ack-${CSS.escape(a.id)}"]`)?.remove();
      else row.querySelector('.actions')?.replaceChildren();
      ctx.notify(how === 'queued' ? t('alert.queuedNote') : t('alert.done'));
    } catch (err) {
      ctx.notify(t('alert.failed', { reason: err instanceof ApiError ? err.message : String(err) }), 'error');
    }
  };

  const drawAlerts = async () => {
    const r = await readAlerts(ctx.api, { state: 'open' });
    if (disposed) return;
    showOutcome(ctx, alerts, r, (list) => {
      if (!list.length) return placeholder('empty', t('maint.noAlerts'));
      const sorted = [...list].sort((x, y) => SEVERITY_LOOK[y.severity].rank - SEVERITY_LOOK[x.severity].rank || y.raisedAt - x.raisedAt);
      return h(
        'table',
        {},
        h('thead', {}, h('tr', {}, [t('alert.severity'), t('alert.machine'), t('alert.message'), t('alert.raised'), t('alert.stateLabel'), ''].map((c) => h('th', { scope: 'col' }, c)))),
        h(
          'tbody',
          {},
          sorted.map((a) => {
            const row = h(
              'tr',
              { 'data-alert': a.id, 'data-state': a.state },
              h('td', { class: `sev sev-${a.severity}` }, h('span', { 'aria-hidden': 'true' }, SEVERITY_LOOK[a.severity].glyph), ` ${t(`severity.${a.severity}`)}`),
              h('td', {}, a.twinId ?? '—'),
              h('td', {}, a.message),
              h('td', {}, a.raisedAt ? ctx.i18n.dateTime(a.raisedAt) : '—'),
              h('td', { class: 'state' }, t(`alert.state.${a.state}`)),
            );
            const actions = h('td', { class: 'actions' });
            if (mayRespond) {
              if (a.state === 'active') actions.append(h('button', { class: 'secondary', 'data-testid': `ack-${a.id}`, onclick: () => void respond(a, 'acknowledge', row) }, t('alert.acknowledge')));
              actions.append(h('button', { class: 'secondary', onclick: () => void respond(a, 'resolve', row) }, t('alert.resolve')));
            }
            row.append(actions);
            return row;
          }),
        ),
      );
    });
  };

  const drawRisk = (list: Risk[]) => {
    const ranked = rankByRisk(list);
    if (!ranked.length) {
      fill(risk, placeholder('empty', t('common.noDataYet')));
      fill(calendar, placeholder('empty', t('common.noDataYet')));
      return;
    }
    const pct = (v?: number) => (v === undefined ? '—' : ctx.i18n.pct(v, 0));
    fill(
      risk,
      h(
        'table',
        {},
        h('thead', {}, h('tr', {}, [t('alert.machine'), t('risk.failure'), t('risk.health'), t('risk.rul'), t('risk.mode')].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, ranked.map((r) => h('tr', {}, h('td', {}, r.twinId), h('td', {}, pct(r.failureProbability)), h('td', {}, pct(r.health)), h('td', {}, r.rulHours === undefined ? '—' : `${r.rulCensored ? '≥ ' : ''}${ctx.i18n.unit(r.rulHours, 'h', 0)}`), h('td', {}, r.mode ? modeLabel(ctx, r.mode) : '—')))),
      ),
    );
    drawCalendar(ranked);
  };

  const drawRecs = (list: Recommendation[]) => {
    if (!list.length) return placeholder('empty', t('maint.noRecs'));
    return h(
      'ul',
      { class: 'rec-list' },
      [...list].sort((a, b) => a.dueBy - b.dueBy).map((r) =>
        h(
          'li',
          { class: `sev-${r.severity}` },
          h('strong', {}, h('span', { 'aria-hidden': 'true' }, `${SEVERITY_LOOK[r.severity].glyph} `), `${r.twinId}: ${r.text}`),
          h('span', { class: 'meta' }, ` · ${t('maint.due')} ${ctx.i18n.dateTime(r.dueBy)}${r.confidence !== undefined ? ` · ${t('maint.confidence')} ${ctx.i18n.pct(r.confidence, 0)}` : ''}${r.mode ? ` · ${modeLabel(ctx, r.mode)}` : ''}`),
          r.explanation.length ? h('ul', { class: 'why' }, r.explanation.map((e) => h('li', {}, e))) : null,
        ),
      ),
    );
  };

  const drawCalendar = (ranked: Risk[]) => {
    const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const now = Date.now();
    const byDay = new Map<string, string[]>();
    for (const r of ranked) {
      // A censored RUL is only a lower bound: no failure is predicted for a day.
      if (r.rulHours === undefined || r.rulCensored || r.rulHours > 28 * 24) continue;
      const day = predictedFailureDay(now, r.rulHours, tz);
      byDay.set(day, [...(byDay.get(day) ?? []), r.twinId]);
    }
    // Four weeks from today, Monday-first rows (ISO 8601 weeks).
    const start = new Date(now);
    start.setHours(12, 0, 0, 0);
    start.setDate(start.getDate() - ((start.getDay() + 6) % 7));
    const weekday = new Intl.DateTimeFormat(ctx.i18n.locale, { weekday: 'short' });
    const dayFmt = new Intl.DateTimeFormat(ctx.i18n.locale, { day: 'numeric', month: 'short' });
    const cells: HTMLElement[] = [];
    for (let i = 0; i < 28; i++) {
      const d = new Date(start.getTime() + i * 86_400_000);
      const key = predictedFailureDay(d.getTime(), 0, tz);
      const due = byDay.get(key) ?? [];
      cells.push(h('div', { class: `day${due.length ? ' due' : ''}`, role: 'gridcell', 'aria-label': `${dayFmt.format(d)}${due.length ? `: ${due.join(', ')}` : ''}` }, h('span', { class: 'date' }, dayFmt.format(d)), due.map((id) => h('span', { class: 'due-item' }, `⚠ ${id}`))));
    }
    const head = Array.from({ length: 7 }, (_, i) => h('div', { class: 'dow', role: 'columnheader' }, weekday.format(new Date(start.getTime() + i * 86_400_000))));
    fill(calendar, h('div', { class: 'cal-grid', role: 'grid', 'aria-label': t('maint.calendar') }, head, cells));
  };

  void drawAlerts();
  void readRisk(ctx.api, ctx.i18n.lang).then(async (r) => {
    if (disposed) return;
    if (r.ok) return drawRisk(r.value);
    // Without the ML API on this server, the predictions the scorer wrote on the twins still rank the machines.
    if (r.reason === 'missing') {
      await ctx.twins.ready().catch(() => undefined);
      const fromTwins = [...ctx.twins.twins.values()].flatMap((tw) => riskFromTwin(tw) ?? []);
      if (!disposed && fromTwins.length) return drawRisk(fromTwins);
    }
    if (!disposed) for (const box of [risk, calendar]) showOutcome(ctx, box, r, () => '');
  });
  void readRecommendations(ctx.api, ctx.i18n.lang).then((r) => {
    if (disposed) return;
    showOutcome(ctx, recs, r, drawRecs);
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stream = new LiveStream(ROUTES.alertEvents, ctx.session, () => {
    clearTimeout(timer);
    timer = setTimeout(() => void drawAlerts(), 300);
  }).start();
  return () => {
    disposed = true;
    stream.stop();
    clearTimeout(timer);
  };
}
