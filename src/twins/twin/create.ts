/**
 * A new twin document from a create/replace payload (ADT REST "DigitalTwins Add"): the payload names
 * its model in `$metadata.$model`, may set any properties (writable or not: initial values), must
 * contain every component of the model as an object (ADT: components "must be initialized when the
 * twin is created … can be empty objects"), and may carry `sourceTime` per property in `$metadata`.
 * `$dtId` and `$etag` in the payload are ignored (the path and the service set them).
 */
import type { TwinDocument } from '../../query/index.js';
import { TwinsErrors } from '../errors.js';
import type { ModelInfo } from '../models/model-info.js';
import { escapePointer, isPlainObject, type ValueProblem } from '../models/values.js';
import { checkComponent, checkInputMetadata, checkProperty, cloneJson, validationFailed, type ModelLookup } from './content.js';
import type { MetadataEntries, PropertyMetadata } from './metadata.js';

export interface WriteContext {
  readonly models: ModelLookup;
  readonly entries: MetadataEntries;
  /** The write's time, RFC 3339. */
  readonly now: string;
}

/** The model id named by a payload, or a validation error. */
export function payloadModel(id: string, input: unknown): string {
  if (!isPlainObject(input)) throw TwinsErrors.create('invalid_argument', `The body for twin '${id}' must be a JSON object`, { twinId: id });
  const meta = input['$metadata'];
  const model = isPlainObject(meta) ? meta['$model'] : undefined;
  if (typeof model !== 'string' || model === '') {
    throw validationFailed(`Twin '${id}' is not valid`, [{ path: '/$metadata/$model', message: 'the twin must name its model in $metadata.$model' }], { twinId: id });
  }
  return model;
}

export function createTwinDocument(id: string, etag: string, input: Record<string, unknown>, model: ModelInfo, ctx: WriteContext): TwinDocument {
  const problems: ValueProblem[] = [];
  checkInputMetadata(model, input['$metadata'], '/$metadata', problems, true);
  const present = new Set<string>();
  for (const [key, value] of Object.entries(input)) {
    if (key === '$dtId' || key === '$etag' || key === '$metadata') continue;
    const path = `/${escapePointer(key)}`;
    if (key.startsWith('$')) problems.push({ path, message: `'${key}' is not a settable twin field` });
    else if (model.components.has(key)) checkComponent(ctx.models, model, key, value, path, problems);
    else checkProperty(model, key, value, path, problems);
    present.add(key);
  }
  for (const name of model.components.keys()) {
    if (!present.has(name)) problems.push({ path: `/${escapePointer(name)}`, message: `component '${name}' must be present (at least {"$metadata": {}})` });
  }
  if (problems.length > 0) throw validationFailed(`Twin '${id}' does not match ${model.id}`, problems, { twinId: id, modelId: model.id });

  const inputMeta = input['$metadata'] as Record<string, unknown>;
  const metadata: Record<string, unknown> = { $model: model.id, $lastUpdateTime: ctx.now };
  const doc: Record<string, unknown> = { $dtId: id, $etag: etag, $metadata: metadata };
  for (const [key, value] of Object.entries(input)) {
    if (key.startsWith('$')) continue;
    if (model.components.has(key)) {
      doc[key] = componentDocument(value as Record<string, unknown>, ctx);
    } else {
      doc[key] = cloneJson(value);
      metadata[key] = entryFor(inputMeta[key], ctx);
    }
  }
  return doc as unknown as TwinDocument;
}

function componentDocument(input: Record<string, unknown>, ctx: WriteContext): Record<string, unknown> {
  const inputMeta = isPlainObject(input['$metadata']) ? input['$metadata'] : {};
  const metadata: Record<string, unknown> = { $lastUpdateTime: ctx.now };
  const out: Record<string, unknown> = { $metadata: metadata };
  for (const [key, value] of Object.entries(input)) {
    if (key.startsWith('$')) continue;
    out[key] = cloneJson(value);
    metadata[key] = entryFor(inputMeta[key], ctx);
  }
  return out;
}

function entryFor(inputEntry: unknown, ctx: WriteContext): PropertyMetadata {
  const sourceTime = isPlainObject(inputEntry) && typeof inputEntry['sourceTime'] === 'string' ? inputEntry['sourceTime'] : undefined;
  return ctx.entries.entry(ctx.now, sourceTime);
}
