/**
 * JSON Patch on a twin (ADT REST "DigitalTwins Update"), validated against the model:
 * - `/prop`, `/prop/field…` (object fields), `/mapProp/key` (map entries), `/comp/prop…` (component
 *   properties), `/comp` (a whole component, add/replace only: components cannot be removed);
 * - `/$metadata/$model` (replace the model: the whole twin is re-validated against the new one);
 * - `/$metadata/prop/sourceTime` and `/comp/$metadata/prop/sourceTime` (when the value was observed).
 * Every touched property is re-checked against its schema after all ops ran; a property that is not
 * `writable` (DTDL v3 §Property) may only be changed by trusted (platform-internal) writers.
 * Metadata: each changed property gets `{ lastUpdateTime: now }` (plus the sourceTime sent with it),
 * a removed one loses its entry, and `$lastUpdateTime` moves to now.
 */
import type { TwinDocument } from '../../query/index.js';
import { TwinsErrors } from '../errors.js';
import type { ModelInfo } from '../models/model-info.js';
import { escapePointer, isPlainObject, type ValueProblem } from '../models/values.js';
import { applyOp, invalidPatch, type PatchOp } from '../patch/json-patch.js';
import { checkComponent, checkProperty, isDateTime, validationFailed } from './content.js';
import type { WriteContext } from './create.js';
import { checkWholeTwin } from './whole.js';

export interface PatchOptions {
  /** Platform-internal writers (device ingestion) may change non-writable properties. */
  readonly trusted?: boolean;
}

interface Touched {
  /** Top-level properties whose value changed. */
  readonly props: Set<string>;
  /** Component name → its changed properties, or 'all' when the whole component was set. */
  readonly comps: Map<string, Set<string> | 'all'>;
  /** `${comp ?? ''}\u0000${prop}` → sourceTime. */
  readonly sourceTimes: Map<string, string>;
  model: string | undefined;
}

export function patchTwin(doc: TwinDocument, ops: readonly PatchOp[], model: ModelInfo, ctx: WriteContext, options: PatchOptions = {}): TwinDocument {
  const touched: Touched = { props: new Set(), comps: new Map(), sourceTimes: new Map(), model: undefined };
  for (const op of ops) if (op.segments[0] === '$metadata') metadataOp(op, op.segments.slice(1), undefined, touched);
  const target = touched.model === undefined ? model : ctx.models.info(touched.model);
  if (!target) throw validationFailed(`Twin '${doc.$dtId}' cannot change model`, [{ path: '/$metadata/$model', message: `model ${touched.model} does not exist` }]);

  const copied = new Set<object>();
  let working = doc as unknown as Record<string, unknown>;
  for (const op of ops) {
    const [head, second] = op.segments;
    if (head === '$metadata') continue;
    if (head === '$dtId' || head === '$etag') throw invalidPatch(`'${op.path}': ${head} cannot be changed`, { path: op.path });
    if (head === undefined) throw invalidPatch(`${op.op} of the whole twin is not allowed`, { path: op.path });
    if (target.components.has(head)) {
      if (second === '$metadata') {
        metadataOp(op, op.segments.slice(2), head, touched);
        continue;
      }
      if (second === undefined) {
        if (op.op === 'remove') throw invalidPatch(`'${op.path}': components cannot be removed`, { path: op.path });
        touched.comps.set(head, 'all');
      } else {
        const set = touched.comps.get(head);
        if (set !== 'all') touched.comps.set(head, (set ?? new Set()).add(second));
      }
    } else {
      touched.props.add(head);
    }
    working = applyOp(working, op, op.segments, copied);
  }

  const problems: ValueProblem[] = [];
  if (target !== model) checkWholeTwin(working, target, ctx.models, problems);
  else checkTouched(working, target, touched, ctx, options, problems);
  checkSourceTimes(working, target, touched, ctx, problems);
  if (problems.length > 0) throw validationFailed(`Patch of twin '${doc.$dtId}' is not valid for ${target.id}`, problems, { twinId: doc.$dtId, modelId: target.id });
  return withMetadata(doc, working, target, touched, ctx, copied);
}

function metadataOp(op: PatchOp, rest: readonly string[], comp: string | undefined, touched: Touched): void {
  if (comp === undefined && rest.length === 1 && rest[0] === '$model') {
    if (op.op === 'remove' || typeof op.value !== 'string') throw invalidPatch(`'${op.path}': $model can only be replaced with a model id`, { path: op.path });
    touched.model = op.value;
    return;
  }
  if (rest.length === 2 && rest[1] === 'sourceTime' && op.op !== 'remove') {
    if (!isDateTime(op.value)) throw invalidPatch(`'${op.path}': sourceTime must be an RFC 3339 date-time`, { path: op.path });
    touched.sourceTimes.set(`${comp ?? ''}\u0000${rest[0]}`, op.value);
    return;
  }
  throw invalidPatch(`'${op.path}': in $metadata only $model and <property>/sourceTime can be set`, { path: op.path });
}

function checkTouched(working: Record<string, unknown>, model: ModelInfo, touched: Touched, ctx: WriteContext, options: PatchOptions, problems: ValueProblem[]): void {
  for (const name of touched.props) {
    const path = `/${escapePointer(name)}`;
    checkProperty(model, name, working[name], path, problems);
    const prop = model.properties.get(name);
    if (prop && !prop.writable && !options.trusted) problems.push({ path, message: `property '${name}' of ${model.id} is not writable (it is reported by the device)` });
  }
  for (const [name, which] of touched.comps) {
    const path = `/${escapePointer(name)}`;
    const comp = model.components.get(name);
    const compModel = comp ? ctx.models.info(comp.schema) : undefined;
    if (which === 'all' || !compModel) {
      checkComponent(ctx.models, model, name, working[name], path, problems);
      if (compModel && !options.trusted) readOnlyIn(working[name], compModel, path, problems);
      continue;
    }
    const value = working[name] as Record<string, unknown>;
    for (const p of which) {
      const ppath = `${path}/${escapePointer(p)}`;
      checkProperty(compModel, p, value[p], ppath, problems);
      const prop = compModel.properties.get(p);
      if (prop && !prop.writable && !options.trusted) problems.push({ path: ppath, message: `property '${p}' of ${compModel.id} is not writable` });
    }
  }
}

function readOnlyIn(value: unknown, model: ModelInfo, path: string, problems: ValueProblem[]): void {
  if (!isPlainObject(value)) return;
  for (const key of Object.keys(value)) {
    const prop = model.properties.get(key);
    if (prop && !prop.writable) problems.push({ path: `${path}/${escapePointer(key)}`, message: `property '${key}' of ${model.id} is not writable` });
  }
}

function checkSourceTimes(working: Record<string, unknown>, model: ModelInfo, touched: Touched, ctx: WriteContext, problems: ValueProblem[]): void {
  for (const key of touched.sourceTimes.keys()) {
    const [comp, prop] = key.split('\u0000') as [string, string];
    const owner = comp === '' ? model : ctx.models.info(model.components.get(comp)?.schema ?? '');
    const bag = comp === '' ? working : (working[comp] as Record<string, unknown> | undefined);
    const path = comp === '' ? `/$metadata/${escapePointer(prop)}/sourceTime` : `/${escapePointer(comp)}/$metadata/${escapePointer(prop)}/sourceTime`;
    if (!owner?.properties.has(prop)) problems.push({ path, message: `'${prop}' is not a property, so it has no sourceTime` });
    else if (bag?.[prop] === undefined) problems.push({ path, message: `property '${prop}' has no value, so it cannot have a sourceTime` });
  }
}

/** The final document: ops applied, `$etag` kept (the caller sets the new one), metadata updated. */
function withMetadata(old: TwinDocument, working: Record<string, unknown>, model: ModelInfo, touched: Touched, ctx: WriteContext, copied: Set<object>): TwinDocument {
  const out = copied.has(working) ? working : { ...working };
  const meta: Record<string, unknown> = { ...(old.$metadata as Record<string, unknown>), $model: model.id, $lastUpdateTime: ctx.now };
  updateEntries(meta, out, touched.props, '', touched.sourceTimes, ctx);
  for (const [name, which] of touched.comps) {
    const comp = out[name] as Record<string, unknown>;
    const own = copied.has(comp) ? comp : { ...comp };
    const oldMeta = isPlainObject(comp['$metadata']) ? comp['$metadata'] : {};
    const cmeta: Record<string, unknown> = which === 'all' ? { $lastUpdateTime: ctx.now } : { ...oldMeta, $lastUpdateTime: ctx.now };
    const names = which === 'all' ? new Set(Object.keys(own).filter((k) => !k.startsWith('$'))) : which;
    updateEntries(cmeta, own, names, name, touched.sourceTimes, ctx);
    own['$metadata'] = cmeta;
    out[name] = own;
  }
  // sourceTime sent for a property whose value did not change in this patch: keep its update time.
  for (const [key, sourceTime] of touched.sourceTimes) {
    const [comp, prop] = key.split('\u0000') as [string, string];
    if (comp === '') {
      if (!touched.props.has(prop)) meta[prop] = { lastUpdateTime: lastUpdate(meta[prop], ctx.now), sourceTime };
      continue;
    }
    const which = touched.comps.get(comp);
    if (which === 'all' || which?.has(prop)) continue; // set above with the new value
    const c = { ...(out[comp] as Record<string, unknown>) };
    const cm: Record<string, unknown> = { ...(c['$metadata'] as Record<string, unknown>), $lastUpdateTime: ctx.now };
    cm[prop] = { lastUpdateTime: lastUpdate(cm[prop], ctx.now), sourceTime };
    c['$metadata'] = cm;
    out[comp] = c;
  }
  if (touched.model !== undefined) {
    // A model change keeps values; drop metadata of members the new model does not have as properties.
    for (const key of Object.keys(meta)) if (!key.startsWith('$') && out[key] === undefined) delete meta[key];
  }
  out['$metadata'] = meta;
  return out as unknown as TwinDocument;
}

function lastUpdate(entry: unknown, fallback: string): string {
  const t = isPlainObject(entry) ? entry['lastUpdateTime'] : undefined;
  return typeof t === 'string' ? t : fallback;
}

function updateEntries(meta: Record<string, unknown>, bag: Record<string, unknown>, names: Iterable<string>, comp: string, sourceTimes: ReadonlyMap<string, string>, ctx: WriteContext): void {
  for (const name of names) {
    if (bag[name] === undefined) delete meta[name];
    else meta[name] = ctx.entries.entry(ctx.now, sourceTimes.get(`${comp}\u0000${name}`));
  }
}

export function componentNotFound(twinId: string, component: string): Error {
  return TwinsErrors.create('component_not_found', `Twin '${twinId}' has no component '${component}'`, { twinId, component });
}
