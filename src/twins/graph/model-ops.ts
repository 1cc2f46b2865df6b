/**
 * Model writes (ADT REST "DigitalTwinModels"): upload a batch (all or none), decommission, delete.
 * Parsing is asynchronous, so it runs before the intent is queued, against the models stored at that
 * moment; the intent then re-checks, inside the commit loop, that no id was taken and no dependency
 * was deleted in the meantime.
 */
import type { JsonObject, PublishItem } from '../../bus/index.js';
import { TwinsErrors } from '../errors.js';
import type { ModelCatalog, ModelRecord } from '../models/catalog.js';
import type { ModelInfo } from '../models/model-info.js';
import type { ModelParser } from '../models/parser-port.js';
import { isPlainObject } from '../models/values.js';
import type { Intent } from './pipeline.js';

/** ADT service limits: at most 250 models per upload call. */
export const MAX_MODELS_PER_UPLOAD = 250;

export interface StoredModelBody {
  readonly id: string;
  readonly uploadTime: string;
  readonly decommissioned: boolean;
  readonly model: JsonObject;
}

export function modelBody(r: ModelRecord): StoredModelBody {
  return { id: r.id, uploadTime: r.uploadTime, decommissioned: r.decommissioned, model: r.definition };
}

/** Checks the request shape and parses; returns the infos by id, in request order. */
export async function parseUpload(body: unknown, catalog: ModelCatalog, parser: ModelParser): Promise<Array<{ definition: JsonObject; info: ModelInfo }>> {
  if (!Array.isArray(body) || body.length === 0) throw TwinsErrors.create('invalid_argument', 'The body must be a non-empty JSON array of DTDL models');
  if (body.length > MAX_MODELS_PER_UPLOAD) {
    throw TwinsErrors.create('limit_exceeded', `At most ${MAX_MODELS_PER_UPLOAD} models per upload, got ${body.length}`, { limit: MAX_MODELS_PER_UPLOAD });
  }
  const ids = new Set<string>();
  for (const [i, doc] of body.entries()) {
    const id = isPlainObject(doc) ? doc['@id'] : undefined;
    if (typeof id !== 'string' || id === '') throw TwinsErrors.create('invalid_argument', `Model ${i} has no '@id'`, { index: i });
    if (ids.has(id)) throw TwinsErrors.create('invalid_argument', `Model '${id}' appears twice in the request`, { modelId: id });
    if (catalog.has(id)) throw TwinsErrors.create('model_already_exists', `Model '${id}' already exists`, { modelId: id });
    ids.add(id);
  }
  const infos = await parser.parse(body, (id) => catalog.get(id)?.definition);
  return body.map((doc) => {
    const id = (doc as JsonObject)['@id'] as string;
    const info = infos.get(id);
    if (!info) throw TwinsErrors.create('dtdl_parser_error', `'${id}' is not a DTDL Interface at the top level of its document`, { modelId: id });
    return { definition: doc as JsonObject, info };
  });
}

export function uploadIntent(parsed: Array<{ definition: JsonObject; info: ModelInfo }>, now: () => string): Intent<ModelRecord[]> {
  return (view) => {
    const uploadTime = now();
    const records: ModelRecord[] = parsed.map(({ definition, info }) => ({ id: info.id, uploadTime, decommissioned: false, definition, info }));
    const batch = new Set(records.map((r) => r.id));
    for (const r of records) {
      if (view.model(r.id)) throw TwinsErrors.create('model_already_exists', `Model '${r.id}' already exists`, { modelId: r.id });
      for (const ref of r.info.references) {
        if (!batch.has(ref) && !view.model(ref)) {
          throw TwinsErrors.create('dtdl_parser_error', `Model '${r.id}' refers to '${ref}', which was deleted meanwhile`, { modelId: r.id, missing: ref });
        }
      }
    }
    for (const r of records) view.stageModel(r.id, r);
    return {
      ops: records.map((r) => ({ op: 'put', collection: 'models', id: r.id, body: modelBody(r), expectVersion: 'absent' }) as const),
      apply: () => {
        for (const r of records) view.catalog.put(r);
      },
      events: records.map((r): PublishItem => ({ name: 'model.created', payload: { modelId: r.id, time: uploadTime }, key: r.id })),
      result: records,
    };
  };
}

/**
 * ADT "DigitalTwinModels Update": the only change allowed is `replace /decommissioned true`
 * (decommissioning cannot be undone). Other patches: JsonPatchInvalid.
 */
export function decommissionIntent(id: string, patch: unknown, now: () => string): Intent<void> {
  const ok = Array.isArray(patch) && patch.length === 1 && isPlainObject(patch[0]) && patch[0]['op'] === 'replace' && patch[0]['path'] === '/decommissioned' && patch[0]['value'] === true;
  if (!ok) {
    throw TwinsErrors.create('json_patch_invalid', 'A model patch may only be [{"op":"replace","path":"/decommissioned","value":true}]', { modelId: id });
  }
  return (view) => {
    const current = view.model(id);
    if (!current) throw modelNotFound(id);
    if (current.decommissioned) return { ops: [], apply: () => undefined, events: [], result: undefined };
    const next: ModelRecord = { ...current, decommissioned: true };
    view.stageModel(id, next);
    return {
      ops: [{ op: 'put', collection: 'models', id, body: modelBody(next) }],
      apply: () => view.catalog.put(next),
      events: [{ name: 'model.decommissioned', payload: { modelId: id, time: now() }, key: id }],
      result: undefined,
    };
  };
}

/** Refused while another model refers to it (ModelReferencesNotDeleted) or twins use it. */
export function deleteModelIntent(id: string, now: () => string): Intent<void> {
  return (view) => {
    if (!view.model(id)) throw modelNotFound(id);
    const referencing = view.modelsReferencing(id);
    if (referencing.length > 0) {
      throw TwinsErrors.create('model_in_use', `Model '${id}' is referenced by ${referencing.length} other model(s): ${referencing.slice(0, 10).join(', ')}`, {
        modelId: id, referencedBy: referencing.slice(0, 100),
      });
    }
    const twins = view.twinsOfModel(id);
    if (twins > 0) throw TwinsErrors.create('model_in_use', `Model '${id}' is used by ${twins} twin(s); delete them or change their model first`, { modelId: id, twins });
    view.stageModel(id, null);
    return {
      ops: [{ op: 'delete', collection: 'models', id }],
      apply: () => view.catalog.remove(id),
      events: [{ name: 'model.deleted', payload: { modelId: id, time: now() }, key: id }],
      result: undefined,
    };
  };
}

export function modelNotFound(id: string): Error {
  return TwinsErrors.create('model_not_found', `There is no model '${id}'`, { modelId: id });
}
