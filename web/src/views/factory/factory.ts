/**
 * The 3D factory: the plant laid out from the twin graph, coloured by state and alert severity,
 * animated while running, updated from the live change stream; click (or pick from the list, by
 * keyboard) a machine for its live panel.
 */
import type { AppContext } from '../../app/context.js';
import { fill, h, placeholder } from '../../app/dom.js';
import { LiveStream } from '../../api/live.js';
import { ROUTES } from '../../api/routes.js';
import { readAlerts, type Alert } from '../../api/data.js';
import { layoutPlant, type PlantLayout } from '../../lib/plant.js';
import { cssColor, MACHINE_STATES, normaliseState, STATE_LOOK, worstSeverity, type Severity } from '../../lib/state.js';
import { FactoryScene, type SceneInfo } from './scene.js';
import { machinePanel, type MachinePanel } from './panel.js';

declare global {
  interface Window {
    /** Read-only look into the rendered scene, for browser tests and support. */
    __twinworks?: { factory?: SceneInfo & { layout: PlantLayout } };
  }
}

export function mount(el: HTMLElement, ctx: AppContext, params: URLSearchParams): () => void {
  const t = ctx.i18n.t.bind(ctx.i18n);
  const canvas = h('canvas', { 'aria-label': t('factory.canvas'), role: 'img', 'data-testid': 'factory-canvas' });
  const stage = h('div', { class: 'stage' }, canvas);
  const list = h('nav', { class: 'machine-list', 'aria-label': t('factory.list') });
  const legend = h(
    'ul',
    { class: 'legend', 'aria-label': t('factory.legend') },
    MACHINE_STATES.map((s) => h('li', {}, h('span', { class: 'swatch', style: `background:${cssColor(STATE_LOOK[s].color)}`, 'aria-hidden': 'true' }, STATE_LOOK[s].glyph), ` ${t(`state.${s}`)}`)),
  );
  const side = h('div', { class: 'side' });
  const root = h('section', { class: 'factory', 'aria-labelledby': 'factory-title' }, h('h1', { id: 'factory-title', class: 'visually-hidden' }, t('view.factory')), stage, h('div', { class: 'rail' }, legend, list), side);
  el.replaceChildren(root);

  let scene: FactoryScene | undefined;
  try {
    scene = new FactoryScene(canvas, (id) => select(id));
  } catch {
    stage.replaceChildren(placeholder('error', t('factory.noWebgl')));
  }
  let layout: PlantLayout | undefined;
  let panel: MachinePanel | undefined;
  const alertSeverity = new Map<string, Severity>();

  // The worst open alert per machine, from GET /api/alerts (the twin's own `activeAlerts` is only a count).
  const severityOf = (id: string): Severity | undefined => alertSeverity.get(id);

  const paint = (ids: Iterable<string>) => {
    if (!scene || !layout) return;
    for (const id of ids) {
      scene.setState(id, normaliseState(ctx.twins.twins.get(id)?.['state']));
      scene.setSeverity(id, severityOf(id));
      const item = list.querySelector(`[data-id="${CSS.escape(id)}"]`);
      if (item) fill(item, ...listLabel(id));
    }
  };

  const listLabel = (id: string): Array<Node | string> => {
    const state = normaliseState(ctx.twins.twins.get(id)?.['state']);
    const sev = severityOf(id);
    return [
      h('span', { class: 'swatch', style: `background:${cssColor(STATE_LOOK[state].color)}`, 'aria-hidden': 'true' }, STATE_LOOK[state].glyph),
      ` ${id} · ${t(`state.${state}`)}`,
      sev ? h('span', { class: `sev sev-${sev}` }, ` · ${t(`severity.${sev}`)}`) : '',
    ];
  };

  const rebuild = () => {
    layout = layoutPlant([...ctx.twins.twins.values()], [...ctx.twins.relationships.values()], ctx.twins.models);
    if (layout.machines.length === 0) {
      fill(list, placeholder('empty', t('factory.empty')));
      return;
    }
    scene?.build(layout);
    const byLine = new Map<string, string[]>();
    for (const m of layout.machines) byLine.set(m.lineId ?? '', [...(byLine.get(m.lineId ?? '') ?? []), m.id]);
    fill(
      list,
      [...byLine].map(([line, ids]) =>
        h(
          'details',
          { open: byLine.size <= 6 },
          h('summary', {}, line || t('factory.unassigned')),
          h(
            'ul',
            {},
            ids.map((id) => h('li', {}, h('button', { class: 'machine', 'data-id': id, onclick: () => select(id) }, ...listLabel(id)))),
          ),
        ),
      ),
    );
    paint(layout.machines.map((m) => m.id));
    if (scene) {
      const info = scene.info();
      Object.defineProperty(info, 'layout', { value: layout, enumerable: true });
      window.__twinworks = { ...window.__twinworks, factory: info as SceneInfo & { layout: PlantLayout } };
    }
  };

  const select = (id: string | undefined) => {
    panel?.close();
    panel = undefined;
    const url = new URL(location.href);
    if (id) url.searchParams.set('machine', id);
    else url.searchParams.delete('machine');
    history.replaceState(null, '', url);
    if (!id) return;
    panel = machinePanel(ctx, id, () => select(undefined));
    side.replaceChildren(panel.el);
    scene?.focus(id);
  };

  const loadAlerts = async () => {
    const r = await readAlerts(ctx.api, { state: 'open' });
    if (!r.ok) return;
    const worst = new Map<string, Alert[]>();
    for (const a of r.value) if (a.twinId) worst.set(a.twinId, [...(worst.get(a.twinId) ?? []), a]);
    const touched = new Set([...alertSeverity.keys(), ...worst.keys()]);
    alertSeverity.clear();
    for (const [id, list] of worst) {
      const s = worstSeverity(list.map((a) => a.severity));
      if (s) alertSeverity.set(id, s);
    }
    paint(touched);
  };

  const unsubscribe = ctx.twins.subscribe((changed, structural) => {
    if (structural) rebuild();
    else paint(changed);
    if (panel && [...changed].some((id) => ctx.twins.twins.has(id))) panel.refresh();
  });
  let alertTimer: ReturnType<typeof setTimeout> | undefined;
  const alertStream = new LiveStream(ROUTES.alertEvents, ctx.session, () => {
    // Coalesce bursts: one re-read per 300 ms of alert events.
    clearTimeout(alertTimer);
    alertTimer = setTimeout(() => void loadAlerts(), 300);
  }).start();

  fill(list, placeholder('loading', t('common.loading')));
  ctx.twins
    .ready()
    .then(() => {
      if (ctx.twins.twins.size > 0 && !layout) rebuild();
      scene?.start();
      const wanted = params.get('machine');
      if (wanted) select(wanted);
      return loadAlerts();
    })
    .catch((err: unknown) => fill(list, placeholder('error', t('common.loadFailed', { reason: err instanceof Error ? err.message : String(err) }))));

  return () => {
    unsubscribe();
    alertStream.stop();
    clearTimeout(alertTimer);
    panel?.close();
    scene?.dispose();
    if (window.__twinworks) delete window.__twinworks.factory;
  };
}
