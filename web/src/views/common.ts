/** Pieces several views share: outcome rendering, the period picker, the line picker. */
import type { AppContext } from '../app/context.js';
import { fill, h, placeholder } from '../app/dom.js';
import type { Outcome } from '../api/data.js';
import { layoutPlant } from '../lib/plant.js';

export function showOutcome<T>(ctx: AppContext, box: HTMLElement, r: Outcome<T>, draw: (v: T) => Node | Node[] | string): void {
  const t = ctx.i18n.t.bind(ctx.i18n);
  if (r.ok) fill(box, draw(r.value));
  else fill(box, placeholder(r.reason === 'error' ? 'error' : 'empty', r.reason === 'missing' ? t('common.noDataYet') : r.reason === 'offline' ? t('common.offline') : t('common.loadFailed', { reason: r.message })));
}

export type Period = '8h' | '24h' | '7d' | '30d';
export const PERIOD_MS: Readonly<Record<Period, number>> = { '8h': 8 * 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 };

export function periodPicker(ctx: AppContext, value: Period, onChange: (p: Period) => void): HTMLElement {
  const sel = h(
    'select',
    { 'aria-label': ctx.i18n.t('period.label'), 'data-testid': 'period' },
    (Object.keys(PERIOD_MS) as Period[]).map((p) => h('option', { value: p, selected: p === value }, ctx.i18n.t(`period.${p}`))),
  );
  sel.addEventListener('change', () => onChange(sel.value as Period));
  return h('label', { class: 'picker' }, `${ctx.i18n.t('period.label')} `, sel);
}

/** The lines of the plant in display order, from the twin graph. */
export function linesOf(ctx: AppContext): Array<{ id: string; name: string; machineIds: readonly string[] }> {
  return layoutPlant([...ctx.twins.twins.values()], [...ctx.twins.relationships.values()], ctx.twins.models).lines.map((l) => ({ id: l.id, name: l.name, machineIds: l.machineIds }));
}

/** The site (plant) twin: the first twin whose model is a Site. */
export function siteOf(ctx: AppContext): string | undefined {
  for (const t of ctx.twins.twins.values()) if (/:Site;/.test(t.$metadata?.$model ?? '')) return t.$dtId;
  return undefined;
}

export function setParam(name: string, value: string): void {
  const url = new URL(location.href);
  url.searchParams.set(name, value);
  history.replaceState(null, '', url);
}

const MODES = new Set(['bearingWear', 'overheating', 'toolWear', 'pressureLeak']);

/** A predicted failure mode in words (the four the platform knows), else as the model named it. */
export function modeLabel(ctx: AppContext, mode: string): string {
  return MODES.has(mode) ? ctx.i18n.t(`mode.${mode}` as 'mode.toolWear') : mode;
}
