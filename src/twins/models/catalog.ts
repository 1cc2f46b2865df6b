/**
 * The models known to the graph, in memory: definitions as uploaded, upload metadata, and the
 * resolved ModelInfo the validators use. Also answers "which models extend this one" (for
 * IS_OF_MODEL) and "who refers to this one" (for delete checks). Changed only by the write pipeline.
 */
import type { JsonObject } from '../../bus/index.js';
import type { ModelInfo } from './model-info.js';
import type { ModelLookup } from '../twin/content.js';

export interface ModelRecord {
  readonly id: string;
  /** RFC 3339. */
  readonly uploadTime: string;
  readonly decommissioned: boolean;
  /** The DTDL document as uploaded. */
  readonly definition: JsonObject;
  readonly info: ModelInfo;
}

export class ModelCatalog implements ModelLookup {
  private readonly records = new Map<string, ModelRecord>();
  private descendantsCache = new Map<string, readonly string[]>();

  info(id: string): ModelInfo | undefined {
    return this.records.get(id)?.info;
  }

  get(id: string): ModelRecord | undefined {
    return this.records.get(id);
  }

  has(id: string): boolean {
    return this.records.has(id);
  }

  get size(): number {
    return this.records.size;
  }

  /** In id order, for stable listings and paging. */
  all(): ModelRecord[] {
    return [...this.records.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  put(record: ModelRecord): void {
    this.records.set(record.id, record);
    this.descendantsCache = new Map();
  }

  remove(id: string): void {
    this.records.delete(id);
    this.descendantsCache = new Map();
  }

  /** The model and every stored model extending it (DTDL v3 §Interface `extends`, transitively). */
  descendants(id: string): readonly string[] {
    const cached = this.descendantsCache.get(id);
    if (cached) return cached;
    const out = [id];
    for (const r of this.records.values()) if (r.id !== id && r.info.ancestors.has(id)) out.push(r.id);
    this.descendantsCache.set(id, out);
    return out;
  }

  /** Stored models (other than `id`) that extend it, use it as a component or name it as a relationship target. */
  referencedBy(id: string): string[] {
    const out: string[] = [];
    for (const r of this.records.values()) if (r.id !== id && r.info.references.has(id)) out.push(r.id);
    return out.sort();
  }

  /**
   * The models and, transitively, what they extend and use as components (what a parser needs to
   * read them), for `GET /models?dependenciesFor=…`.
   */
  withDependencies(ids: readonly string[]): ModelRecord[] {
    const seen = new Set<string>();
    const queue = [...ids];
    while (queue.length > 0) {
      const id = queue.shift() as string;
      if (seen.has(id)) continue;
      const r = this.records.get(id);
      if (!r) continue;
      seen.add(id);
      for (const e of r.info.extends) queue.push(e);
      for (const c of r.info.components.values()) queue.push(c.schema);
    }
    return this.all().filter((r) => seen.has(r.id));
  }
}
