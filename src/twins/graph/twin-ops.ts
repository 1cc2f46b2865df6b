/**
 * Twin writes as pipeline intents (ADT REST "DigitalTwins Add / Update / Delete"), each validated
 * against the staging view inside the commit loop so concurrent writes see each other in order.
 */
import type { JsonObject, JsonPatchOperation, PublishItem } from '../../bus/index.js';
import type { TwinDocument } from '../../query/index.js';
import { TwinsErrors } from '../errors.js';
import type { PatchOp } from '../patch/json-patch.js';
import { toWireOp } from '../patch/json-patch.js';
import { validationFailed } from '../twin/content.js';
import { createTwinDocument, payloadModel, type WriteContext } from '../twin/create.js';
import { ifMatchHolds, ifNoneMatchHolds, makeEtag, newNonce, nextEtag } from '../twin/etag.js';
import type { MetadataEntries } from '../twin/metadata.js';
import { patchTwin, type PatchOptions } from '../twin/patch-twin.js';
import { topLevelDiff } from './diff.js';
import { checkId } from './ids.js';
import type { Intent } from './pipeline.js';
import type { StagingView } from './staging.js';

export interface Preconditions {
  readonly ifMatch?: string | undefined;
  readonly ifNoneMatch?: string | undefined;
}

export interface OpsContext {
  readonly entries: MetadataEntries;
  readonly now: () => string;
}

export function twinNotFound(id: string): Error {
  return TwinsErrors.create('twin_not_found', `There is no digital twin '${id}'`, { twinId: id });
}

export function preconditionFailed(what: string, header: string, etag: string | undefined): Error {
  return TwinsErrors.create('precondition_failed', `${header} does not hold for ${what} (current etag: ${etag ?? 'none: it does not exist'})`, { header, etag: etag ?? null });
}

function writeContext(view: StagingView, ctx: OpsContext): WriteContext {
  return { models: view, entries: ctx.entries, now: ctx.now() };
}

const asJson = (doc: TwinDocument): JsonObject => doc as unknown as JsonObject;
export const noop = (): void => undefined;

export function upsertTwinIntent(id: string, body: unknown, pre: Preconditions, ctx: OpsContext): Intent<TwinDocument> {
  checkId('twin', id);
  const modelId = payloadModel(id, body);
  return (view) => {
    const record = view.model(modelId);
    if (!record) {
      throw validationFailed(`Twin '${id}' is not valid`, [{ path: '/$metadata/$model', message: `there is no model '${modelId}'` }], { twinId: id, modelId });
    }
    if (record.decommissioned) throw TwinsErrors.create('model_decommissioned', `Model '${modelId}' is decommissioned and takes no new twins`, { modelId });
    const current = view.twin(id);
    if (!ifNoneMatchHolds(pre.ifNoneMatch, current?.$etag)) throw preconditionFailed(`twin '${id}'`, `If-None-Match: ${pre.ifNoneMatch}`, current?.$etag);
    if (!ifMatchHolds(pre.ifMatch, current?.$etag)) throw preconditionFailed(`twin '${id}'`, `If-Match: ${pre.ifMatch}`, current?.$etag);
    const next = current ? nextEtag(current.$etag as string) : { etag: makeEtag(newNonce(), 1), previousVersion: 'absent' as const };
    const doc = createTwinDocument(id, next.etag, body as Record<string, unknown>, record.info, writeContext(view, ctx));
    view.stageTwin(id, doc);
    const time = doc.$metadata['$lastUpdateTime'] as string;
    const event: PublishItem = current
      ? { name: 'twin.updated', key: id, payload: { twinId: id, modelId, etag: next.etag, time, patch: modelPatch(current, doc).concat(topLevelDiff(current, doc)) } }
      : { name: 'twin.created', key: id, payload: { twinId: id, modelId, etag: next.etag, time, twin: asJson(doc) } };
    return {
      ops: [{ op: 'put', collection: 'twins', id, body: doc, ...(next.previousVersion === 0 ? {} : { expectVersion: next.previousVersion }) }],
      apply: () => view.index.putTwin(doc),
      undo: () => (current ? view.index.putTwin(current) : view.index.removeTwin(id)),
      events: [event],
      result: doc,
    };
  };
}

function modelPatch(before: TwinDocument, after: TwinDocument): JsonPatchOperation[] {
  return before.$metadata.$model === after.$metadata.$model ? [] : [{ op: 'replace', path: '/$metadata/$model', value: after.$metadata.$model }];
}

export function patchTwinIntent(id: string, ops: readonly PatchOp[], pre: Preconditions, options: PatchOptions, ctx: OpsContext): Intent<TwinDocument> {
  return (view) => {
    const current = view.twin(id);
    if (!current) throw twinNotFound(id);
    if (!ifMatchHolds(pre.ifMatch, current.$etag)) throw preconditionFailed(`twin '${id}'`, `If-Match: ${pre.ifMatch}`, current.$etag);
    if (ops.length === 0) return { ops: [], apply: noop, undo: noop, events: [], result: current };
    const model = view.info(current.$metadata.$model);
    if (!model) throw TwinsErrors.create('model_not_found', `The model ${current.$metadata.$model} of twin '${id}' is not loaded`, { modelId: current.$metadata.$model });
    const patched = patchTwin(current, ops, model, writeContext(view, ctx), options) as unknown as Record<string, unknown>;
    const newModel = (patched['$metadata'] as { $model: string }).$model;
    if (newModel !== model.id && view.model(newModel)?.decommissioned) {
      throw TwinsErrors.create('model_decommissioned', `Model '${newModel}' is decommissioned and takes no new twins`, { modelId: newModel });
    }
    const next = nextEtag(current.$etag as string);
    patched['$etag'] = next.etag;
    const doc = patched as unknown as TwinDocument;
    view.stageTwin(id, doc);
    return {
      ops: [{ op: 'put', collection: 'twins', id, body: doc, ...(next.previousVersion === 0 ? {} : { expectVersion: next.previousVersion }) }],
      apply: () => view.index.putTwin(doc),
      undo: () => view.index.putTwin(current),
      events: [{ name: 'twin.updated', key: id, payload: { twinId: id, modelId: newModel, etag: next.etag, time: doc.$metadata['$lastUpdateTime'] as string, patch: ops.map(toWireOp) } }],
      result: doc,
    };
  };
}

export function deleteTwinIntent(id: string, pre: Preconditions, ctx: OpsContext): Intent<void> {
  return (view) => {
    const current = view.twin(id);
    if (!current) throw twinNotFound(id);
    if (!ifMatchHolds(pre.ifMatch, current.$etag)) throw preconditionFailed(`twin '${id}'`, `If-Match: ${pre.ifMatch}`, current.$etag);
    if (view.hasRelationships(id)) {
      throw TwinsErrors.create('relationships_not_deleted', `Twin '${id}' still has relationships (incoming or outgoing); delete them first`, { twinId: id });
    }
    view.stageTwin(id, null);
    const version = nextEtag(current.$etag as string).previousVersion;
    return {
      ops: [{ op: 'delete', collection: 'twins', id, ...(version === 0 ? {} : { expectVersion: version }) }],
      apply: () => view.index.removeTwin(id),
      undo: () => view.index.putTwin(current),
      events: [{ name: 'twin.deleted', key: id, payload: { twinId: id, modelId: current.$metadata.$model, etag: current.$etag as string, twin: asJson(current), time: ctx.now() } }],
      result: undefined,
    };
  };
}
