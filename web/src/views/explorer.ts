/**
 * Twin explorer: models and their twins, a twin's document, property edits as JSON Patch for roles
 * that may write twins, and queries in the twin query language with results as a table and a graph.
 */
import type { AppContext } from '../app/context.js';
import { fill, h, placeholder } from '../app/dom.js';
import { can } from '../auth/permissions.js';
import { ApiError, OfflineError } from '../api/client.js';
import { ROUTES } from '../api/routes.js';
import { diff, type Json } from '../lib/json-patch.js';
import { circleLayout, graphOfRows } from '../lib/graph-view.js';

const SVG = 'http://www.w3.org/2000/svg';

export function mount(el: HTMLElement, ctx: AppContext, params: URLSearchParams): () => void {
  const t = ctx.i18n.t.bind(ctx.i18n);
  const models = h('ul', { class: 'models', 'aria-label': t('explorer.models') });
  const twins = h('ul', { class: 'twins', 'aria-label': t('explorer.twins') });
  const detail = h('div', { class: 'detail' });
  const queryText = h('textarea', { 'aria-label': t('explorer.query'), rows: 3, spellcheck: false, 'data-testid': 'query-text' }, params.get('q') ?? 'SELECT * FROM DIGITALTWINS T WHERE IS_OF_MODEL(T, \'dtmi:twinworks:plant:Machine;1\')');
  const results = h('div', { class: 'results' });
  const queryForm = h('form', { class: 'query' }, queryText, h('button', { type: 'submit' }, t('explorer.run')));
  el.replaceChildren(
    h(
      'section',
      { class: 'explorer' },
      h('h1', {}, t('view.explorer')),
      h('div', { class: 'cols3' }, h('div', {}, h('h2', {}, t('explorer.models')), models), h('div', {}, h('h2', {}, t('explorer.twins')), twins), h('div', {}, detail)),
      h('h2', {}, t('explorer.query')),
      queryForm,
      results,
    ),
  );
  const mayWrite = can(ctx.session.current?.roles ?? [], 'twins.write');
  let modelFilter = params.get('model') ?? '';

  const drawModels = () => {
    fill(
      models,
      [...ctx.twins.models.values()]
        .sort((a, b) => a.id.localeCompare(b.id))
        .map((m) =>
          h(
            'li',
            {},
            h(
              'button',
              {
                class: `link${m.id === modelFilter ? ' active' : ''}`,
                'aria-pressed': m.id === modelFilter ? 'true' : 'false',
                onclick: () => {
                  modelFilter = modelFilter === m.id ? '' : m.id;
                  drawModels();
                  drawTwins();
                },
              },
              m.displayName ? `${m.displayName} ` : '',
              h('code', {}, m.id),
            ),
          ),
        ),
    );
  };

  const drawTwins = () => {
    const list = [...ctx.twins.twins.values()].filter((tw) => !modelFilter || tw.$metadata?.$model === modelFilter).sort((a, b) => a.$dtId.localeCompare(b.$dtId));
    fill(twins, list.length ? list.slice(0, 500).map((tw) => h('li', {}, h('button', { class: 'link', onclick: () => void openTwin(tw.$dtId) }, tw.$dtId))) : [placeholder('empty', t('explorer.noTwins'))]);
  };

  /** `said`: what the last save did, shown in the reopened form (the reload would otherwise wipe it). */
  const openTwin = async (id: string, said = '') => {
    fill(detail, placeholder('loading', t('common.loading')));
    let twin: Record<string, Json>;
    try {
      twin = (await ctx.api.read<Record<string, Json>>(ROUTES.twin(id))).value;
    } catch (err) {
      return fill(detail, placeholder('error', err instanceof Error ? err.message : String(err)));
    }
    const editable = Object.fromEntries(Object.entries(twin).filter(([k]) => !k.startsWith('$')));
    const area = h('textarea', { rows: 16, spellcheck: false, 'aria-label': t('explorer.properties'), readonly: !mayWrite, 'data-testid': 'twin-json' }, JSON.stringify(editable, null, 2));
    const out = h('p', { class: 'note', role: 'status', 'data-testid': 'twin-status' }, said);
    const save = h('button', { type: 'submit' }, t('explorer.save'));
    const form = h('form', {}, area, mayWrite ? save : h('p', { class: 'note' }, t('explorer.readOnly')), out);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      let next: Record<string, Json>;
      try {
        next = JSON.parse(area.value) as Record<string, Json>;
      } catch (err) {
        out.textContent = t('explorer.badJson', { reason: err instanceof Error ? err.message : '' });
        return;
      }
      const patch = diff(editable, next);
      if (!patch.length) {
        out.textContent = t('explorer.noChange');
        return;
      }
      out.textContent = t('explorer.sending', { n: patch.length });
      const etag = typeof twin['$etag'] === 'string' ? twin['$etag'] : undefined;
      fetchPatch(id, patch, etag)
        .then(() => {
          void openTwin(id, t('explorer.saved', { n: patch.length }));
        })
        .catch((err: unknown) => (out.textContent = err instanceof ApiError ? `${err.code}: ${err.message}` : err instanceof OfflineError ? t('common.offline') : String(err)));
    });
    fill(detail, h('h2', {}, id), h('p', {}, h('code', {}, String((twin['$metadata'] as Record<string, Json> | undefined)?.['$model'] ?? ''))), form);
  };

  /** ADT: PATCH with Content-Type application/json-patch+json and If-Match for optimistic concurrency. */
  const fetchPatch = async (id: string, patch: unknown, etag: string | undefined) => {
    const headers = new Headers({ 'content-type': 'application/json-patch+json' });
    const token = ctx.session.token;
    if (token) headers.set('authorization', `Bearer ${token}`);
    if (etag) headers.set('if-match', etag);
    let res: Response;
    try {
      res = await fetch(ROUTES.twin(id), { method: 'PATCH', headers, body: JSON.stringify(patch) });
    } catch {
      throw new OfflineError('offline');
    }
    if (!res.ok) {
      const body = (await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string }; code?: string; detail?: string };
      throw new ApiError(res.status, body.error?.code ?? body.code ?? '', body.error?.message ?? body.detail ?? `HTTP ${res.status}`);
    }
  };

  queryForm.addEventListener('submit', (e) => {
    e.preventDefault();
    fill(results, placeholder('loading', t('common.loading')));
    const url = new URL(location.href);
    url.searchParams.set('q', queryText.value);
    history.replaceState(null, '', url);
    ctx.api
      .query<Record<string, unknown>>(queryText.value, 5)
      .then((r) => fill(results, h('p', { class: 'note' }, t('explorer.rows', { n: r.value.length })), graphSvg(r.value), resultTable(r.value)))
      .catch((err: unknown) => fill(results, placeholder('error', err instanceof ApiError ? `${err.code}: ${err.message}` : String(err))));
  });

  const resultTable = (rows: readonly Record<string, unknown>[]) => {
    // A twin's $metadata (per-property update times) and $etag drown the table: its model stands in for them.
    const cols = [...new Set(rows.slice(0, 200).flatMap((r) => Object.keys(r)))].filter((c) => c !== '$etag').slice(0, 20);
    const cell = (v: unknown, c: string) => {
      if (v === null || v === undefined) return '';
      if (c === '$metadata' && typeof v === 'object') return String((v as { $model?: unknown }).$model ?? '');
      // A projected twin or relationship (SELECT L, M …): its id says which; the explorer shows the rest.
      const ref = v as { $dtId?: unknown; $relationshipId?: unknown };
      if (typeof v === 'object' && (typeof ref.$dtId === 'string' || typeof ref.$relationshipId === 'string')) return String(ref.$dtId ?? ref.$relationshipId);
      return typeof v === 'object' ? JSON.stringify(v).slice(0, 200) : String(v);
    };
    return h('div', { class: 'scroll' }, h('table', { 'data-testid': 'query-table' }, h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col' }, c === '$metadata' ? '$model' : c)))), h('tbody', {}, rows.slice(0, 500).map((r) => h('tr', {}, cols.map((c) => h('td', {}, cell(r[c], c))))))));
  };

  const graphSvg = (rows: readonly unknown[]) => {
    const g = graphOfRows(rows);
    if (!g.nodes.length || g.nodes.length > 150) return h('p', { class: 'note' }, g.nodes.length ? t('explorer.graphTooBig') : '');
    const size = 420;
    const pos = circleLayout(g.nodes.length, size / 2 - 60);
    const at = new Map(g.nodes.map((n, i) => [n.id, pos[i]!]));
    const svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('viewBox', `${-size / 2} ${-size / 2} ${size} ${size}`);
    svg.setAttribute('class', 'graph');
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', t('explorer.graph', { nodes: g.nodes.length, edges: g.edges.length }));
    for (const e of g.edges) {
      const a = at.get(e.source)!;
      const b = at.get(e.target)!;
      const line = document.createElementNS(SVG, 'line');
      Object.entries({ x1: a.x, y1: a.y, x2: b.x, y2: b.y }).forEach(([k, v]) => line.setAttribute(k, String(v)));
      line.setAttribute('class', `edge ${e.name}`);
      const title = document.createElementNS(SVG, 'title');
      title.textContent = `${e.source} —${e.name}→ ${e.target}`;
      line.append(title);
      svg.append(line);
    }
    for (const n of g.nodes) {
      const p = at.get(n.id)!;
      const c = document.createElementNS(SVG, 'circle');
      c.setAttribute('cx', String(p.x));
      c.setAttribute('cy', String(p.y));
      c.setAttribute('r', '6');
      const label = document.createElementNS(SVG, 'text');
      label.setAttribute('x', String(p.x + 8));
      label.setAttribute('y', String(p.y + 4));
      label.textContent = n.id;
      svg.append(c, label);
    }
    return svg;
  };

  const unsubscribe = ctx.twins.subscribe((_c, structural) => {
    if (structural) {
      drawModels();
      drawTwins();
    }
  });
  ctx.twins.ready().then(
    () => {
      drawModels();
      drawTwins();
      const wanted = params.get('twin');
      if (wanted) void openTwin(wanted);
    },
    (err: unknown) => fill(models, placeholder('error', String(err))),
  );
  return unsubscribe;
}
