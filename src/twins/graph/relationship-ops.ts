/**
 * Relationship writes as pipeline intents (ADT REST "DigitalTwins AddRelationship /
 * UpdateRelationship / DeleteRelationship"). Events are keyed by the source twin, so a twin's
 * relationship changes reach subscribers in order.
 */
import type { JsonObject, PublishItem } from '../../bus/index.js';
import type { RelationshipDocument } from '../../query/index.js';
import { TwinsErrors } from '../errors.js';
import { toWireOp, type PatchOp } from '../patch/json-patch.js';
import { createRelationshipDocument, patchRelationship } from '../relationship/relationship.js';
import { ifMatchHolds, ifNoneMatchHolds, makeEtag, newNonce, nextEtag } from '../twin/etag.js';
import { topLevelDiff } from './diff.js';
import { checkId } from './ids.js';
import { relationshipKey } from './keys.js';
import type { Intent } from './pipeline.js';
import type { StagingView } from './staging.js';
import { noop, preconditionFailed, twinNotFound, type OpsContext, type Preconditions } from './twin-ops.js';

export function relationshipNotFound(sourceId: string, relationshipId: string): Error {
  return TwinsErrors.create('relationship_not_found', `Twin '${sourceId}' has no relationship '${relationshipId}'`, { sourceId, relationshipId });
}

const asJson = (doc: RelationshipDocument): JsonObject => doc as unknown as JsonObject;

function context(view: StagingView) {
  return { models: view, twin: (id: string) => view.twin(id), outgoingCount: (s: string, n: string, e?: string) => view.outgoingCount(s, n, e) };
}

export function upsertRelationshipIntent(sourceId: string, relationshipId: string, body: unknown, pre: Preconditions, ctx: OpsContext): Intent<RelationshipDocument> {
  checkId('twin', sourceId);
  checkId('relationship', relationshipId);
  const key = relationshipKey(sourceId, relationshipId);
  if (Buffer.byteLength(key) > 512) throw TwinsErrors.create('invalid_argument', 'The twin id and relationship id together are too long', { sourceId, relationshipId });
  return (view) => {
    const source = view.twin(sourceId);
    if (!source) throw twinNotFound(sourceId);
    const current = view.relationship(sourceId, relationshipId);
    const what = `relationship '${sourceId}/relationships/${relationshipId}'`;
    if (!ifNoneMatchHolds(pre.ifNoneMatch, current?.$etag)) throw preconditionFailed(what, `If-None-Match: ${pre.ifNoneMatch}`, current?.$etag);
    if (!ifMatchHolds(pre.ifMatch, current?.$etag)) throw preconditionFailed(what, `If-Match: ${pre.ifMatch}`, current?.$etag);
    const next = current ? nextEtag(current.$etag as string) : { etag: makeEtag(newNonce(), 1), previousVersion: 'absent' as const };
    const doc = createRelationshipDocument(source, relationshipId, next.etag, body, context(view));
    view.stageRelationship(sourceId, relationshipId, doc);
    const time = ctx.now();
    const base = { relationshipId, sourceId, targetId: doc.$targetId, name: doc.$relationshipName, etag: next.etag, time };
    const events: PublishItem[] = [];
    if (current && current.$targetId === doc.$targetId && current.$relationshipName === doc.$relationshipName) {
      events.push({ name: 'relationship.updated', key: sourceId, payload: { ...base, modelId: source.$metadata.$model, patch: topLevelDiff(current, doc) } });
    } else {
      if (current) events.push(deletedEvent(current, time));
      events.push({ name: 'relationship.created', key: sourceId, payload: { ...base, relationship: asJson(doc) } });
    }
    return {
      ops: [{ op: 'put', collection: 'relationships', id: key, body: doc, ...(next.previousVersion === 0 ? {} : { expectVersion: next.previousVersion }) }],
      apply: () => view.index.putRelationship(doc),
      undo: () => (current ? view.index.putRelationship(current) : void view.index.removeRelationship(sourceId, relationshipId)),
      events,
      result: doc,
    };
  };
}

export function patchRelationshipIntent(sourceId: string, relationshipId: string, ops: readonly PatchOp[], pre: Preconditions, trusted: boolean, ctx: OpsContext): Intent<RelationshipDocument> {
  return (view) => {
    const source = view.twin(sourceId);
    if (!source) throw twinNotFound(sourceId);
    const current = view.relationship(sourceId, relationshipId);
    if (!current) throw relationshipNotFound(sourceId, relationshipId);
    if (!ifMatchHolds(pre.ifMatch, current.$etag)) throw preconditionFailed(`relationship '${sourceId}/relationships/${relationshipId}'`, `If-Match: ${pre.ifMatch}`, current.$etag);
    if (ops.length === 0) return { ops: [], apply: noop, undo: noop, events: [], result: current };
    const patched = patchRelationship(current, ops, source, view, trusted) as unknown as Record<string, unknown>;
    const next = nextEtag(current.$etag as string);
    const doc = (patched === (current as unknown) ? { ...patched } : patched) as Record<string, unknown>;
    doc['$etag'] = next.etag;
    const rel = doc as unknown as RelationshipDocument;
    view.stageRelationship(sourceId, relationshipId, rel);
    return {
      ops: [{ op: 'put', collection: 'relationships', id: relationshipKey(sourceId, relationshipId), body: rel, ...(next.previousVersion === 0 ? {} : { expectVersion: next.previousVersion }) }],
      apply: () => view.index.putRelationship(rel),
      undo: () => view.index.putRelationship(current),
      events: [{
        name: 'relationship.updated', key: sourceId,
        payload: { relationshipId, sourceId, targetId: rel.$targetId, name: rel.$relationshipName, modelId: source.$metadata.$model, etag: next.etag, time: ctx.now(), patch: ops.map(toWireOp) },
      }],
      result: rel,
    };
  };
}

export function deleteRelationshipIntent(sourceId: string, relationshipId: string, pre: Preconditions, ctx: OpsContext): Intent<void> {
  return (view) => {
    if (!view.twin(sourceId)) throw twinNotFound(sourceId);
    const current = view.relationship(sourceId, relationshipId);
    if (!current) throw relationshipNotFound(sourceId, relationshipId);
    if (!ifMatchHolds(pre.ifMatch, current.$etag)) throw preconditionFailed(`relationship '${sourceId}/relationships/${relationshipId}'`, `If-Match: ${pre.ifMatch}`, current.$etag);
    view.stageRelationship(sourceId, relationshipId, null);
    const version = nextEtag(current.$etag as string).previousVersion;
    return {
      ops: [{ op: 'delete', collection: 'relationships', id: relationshipKey(sourceId, relationshipId), ...(version === 0 ? {} : { expectVersion: version }) }],
      apply: () => void view.index.removeRelationship(sourceId, relationshipId),
      undo: () => view.index.putRelationship(current),
      events: [deletedEvent(current, ctx.now())],
      result: undefined,
    };
  };
}

function deletedEvent(rel: RelationshipDocument, time: string): PublishItem {
  return {
    name: 'relationship.deleted', key: rel.$sourceId,
    payload: { relationshipId: rel.$relationshipId, sourceId: rel.$sourceId, targetId: rel.$targetId, name: rel.$relationshipName, etag: rel.$etag as string, relationship: asJson(rel), time },
  };
}
