/**
 * Loading the graph from storage at start (storage port `scan`): models first (parsed together, so
 * references between them resolve), then twins, then relationships. Documents are normalised as they
 * come in so that memory is shared the same way as for live writes: model ids and relationship names
 * point at the model's strings, source and target ids at the twins' `$dtId`, and metadata entries with
 * the same time are one object.
 */
import type { Logger } from '../../observability/index.js';
import type { RelationshipDocument, TwinDocument } from '../../query/index.js';
import type { StorageAdapter } from '../../storage/index.js';
import type { JsonObject } from '../../bus/index.js';
import type { ModelCatalog } from '../models/catalog.js';
import type { ModelParser } from '../models/parser-port.js';
import { isPlainObject } from '../models/values.js';
import type { GraphIndex } from './graph-index.js';
import type { StoredModelBody } from './model-ops.js';

export interface LoadCounts {
  models: number;
  twins: number;
  relationships: number;
  skipped: number;
}

const PAGE = 5000;

export async function loadGraph(store: StorageAdapter, parser: ModelParser, catalog: ModelCatalog, index: GraphIndex, logger?: Logger): Promise<LoadCounts> {
  const counts: LoadCounts = { models: 0, twins: 0, relationships: 0, skipped: 0 };
  const bodies: StoredModelBody[] = [];
  for await (const doc of store.scan('models', PAGE)) bodies.push(doc.body as StoredModelBody);
  if (bodies.length > 0) {
    const infos = await parser.parse(bodies.map((b) => b.model), () => undefined);
    for (const b of bodies) {
      const info = infos.get(b.id);
      if (!info) throw new Error(`stored model ${b.id} did not parse back into an interface`);
      catalog.put({ id: b.id, uploadTime: b.uploadTime, decommissioned: b.decommissioned, definition: b.model, info });
      counts.models++;
    }
  }
  const metaCache = new Map<string, unknown>();
  for await (const stored of store.scan('twins', PAGE)) {
    const doc = stored.body as Record<string, unknown>;
    const meta = doc['$metadata'] as Record<string, unknown>;
    const info = catalog.info(meta['$model'] as string);
    if (!info) {
      counts.skipped++;
      logger?.warn({ twinId: stored.id, modelId: meta['$model'] }, 'twins: stored twin names a model that is not stored; skipped');
      continue;
    }
    meta['$model'] = info.id;
    shareEntries(meta, metaCache);
    for (const [k, v] of Object.entries(doc)) if (!k.startsWith('$') && isPlainObject(v) && isPlainObject(v['$metadata'])) shareEntries(v['$metadata'], metaCache);
    index.putTwin(doc as unknown as TwinDocument);
    counts.twins++;
  }
  metaCache.clear();
  for await (const stored of store.scan('relationships', PAGE)) {
    const rel = stored.body as Record<string, unknown>;
    const source = index.getTwin(rel['$sourceId'] as string);
    const target = index.getTwin(rel['$targetId'] as string);
    if (!source || !target) {
      counts.skipped++;
      logger?.warn({ key: stored.id }, 'twins: stored relationship refers to a missing twin; skipped');
      continue;
    }
    rel['$sourceId'] = source.$dtId;
    rel['$targetId'] = target.$dtId;
    const def = catalog.info(source.$metadata.$model)?.relationships.get(rel['$relationshipName'] as string);
    if (def) rel['$relationshipName'] = def.name;
    index.putRelationship(rel as unknown as RelationshipDocument);
    counts.relationships++;
  }
  return counts;
}

function shareEntries(meta: Record<string, unknown>, cache: Map<string, unknown>): void {
  for (const [k, v] of Object.entries(meta)) {
    if (k.startsWith('$') || !isPlainObject(v)) continue;
    const t = v['lastUpdateTime'];
    if (typeof t !== 'string' || Object.keys(v).length !== 1) continue;
    let shared = cache.get(t);
    if (!shared) cache.set(t, (shared = v as JsonObject));
    meta[k] = shared;
  }
}
