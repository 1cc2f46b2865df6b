/**
 * The twin graph as the app holds it: models, twins and relationships read through the query API,
 * then kept current by the live change stream. Views subscribe and get the ids that changed.
 */
import type { Api } from '../api/client.js';
import { ROUTES } from '../api/routes.js';
import { LiveStream, type LiveState } from '../api/live.js';
import type { Session } from '../auth/session.js';
import { applyPatch } from '../lib/json-patch.js';
import type { ModelInfo, RelationshipLike, TwinLike } from '../lib/plant.js';
import { toTwinChange } from '../lib/twin-events.js';

type Twin = TwinLike & Record<string, unknown>;
type Rel = RelationshipLike & { $relationshipId: string };
export type TwinListener = (changed: ReadonlySet<string>, structural: boolean) => void;

export class TwinStore {
  readonly twins = new Map<string, Twin>();
  readonly relationships = new Map<string, Rel>();
  readonly models = new Map<string, ModelInfo & { displayName?: string; contents?: unknown[] }>();
  loadedAt = 0;
  stale = false;
  liveState: LiveState = 'closed';
  private loading: Promise<void> | undefined;
  private listeners = new Set<TwinListener>();
  private live: LiveStream | undefined;

  constructor(
    private readonly api: Api,
    private readonly session: Session,
  ) {}

  subscribe(listener: TwinListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Loads once (again after `reload`), and starts the live stream. */
  ready(): Promise<void> {
    this.loading ??= this.load();
    return this.loading;
  }

  reload(): Promise<void> {
    this.loading = this.load();
    return this.loading;
  }

  private async load(): Promise<void> {
    const [models, twins, rels] = await Promise.all([
      this.api.read<{ value: Array<{ id: string; model?: Record<string, unknown>; displayName?: unknown }> }>(ROUTES.models),
      this.api.query<Twin>('SELECT * FROM DIGITALTWINS'),
      this.api.query<Rel>("SELECT * FROM RELATIONSHIPS WHERE $relationshipName IN ['contains', 'feeds']"),
    ]);
    this.models.clear();
    for (const m of models.value.value) {
      const def = m.model ?? {};
      const ext = def['extends'];
      const display = def['displayName'] ?? m.displayName;
      const displayName = typeof display === 'string' ? display : typeof display === 'object' && display ? String(Object.values(display)[0]) : undefined;
      this.models.set(m.id, {
        id: m.id,
        extends: typeof ext === 'string' ? [ext] : Array.isArray(ext) ? ext.filter((e): e is string => typeof e === 'string') : [],
        ...(displayName ? { displayName } : {}),
        contents: Array.isArray(def['contents']) ? def['contents'] : [],
      });
    }
    this.twins.clear();
    for (const t of twins.value) this.twins.set(t.$dtId, t);
    this.relationships.clear();
    for (const r of rels.value) this.relationships.set(`${r.$sourceId}/${r.$relationshipId}`, r);
    this.loadedAt = Math.min(models.at, twins.at, rels.at);
    this.stale = models.stale || twins.stale || rels.stale;
    this.emit(new Set(this.twins.keys()), true);
    this.startLive();
  }

  private startLive(): void {
    if (this.live) return;
    this.live = new LiveStream(
      ROUTES.twinEvents(),
      this.session,
      (e) => this.onEvent(e.type, e.data),
      (s) => {
        this.liveState = s;
      },
    ).start();
  }

  stop(): void {
    this.live?.stop();
    this.live = undefined;
  }

  /** Applies one change event; exposed for the stream and for tests. */
  onEvent(type: string, data: string): void {
    const change = toTwinChange(type, data);
    if (!change) return;
    switch (change.kind) {
      case 'twin.upsert':
        this.twins.set(change.twin.$dtId, change.twin as Twin);
        return this.emit(new Set([change.twin.$dtId]), true);
      case 'twin.patch': {
        const twin = this.twins.get(change.twinId);
        if (!twin) return;
        applyPatch(twin, change.patch);
        return this.emit(new Set([change.twinId]), false);
      }
      case 'twin.delete':
        this.twins.delete(change.twinId);
        return this.emit(new Set([change.twinId]), true);
      case 'relationship.upsert': {
        const r = change.relationship;
        this.relationships.set(`${r.$sourceId}/${r.$relationshipId}`, r);
        return this.emit(new Set([r.$sourceId, r.$targetId]), true);
      }
      case 'relationship.delete':
        this.relationships.delete(`${change.sourceId}/${change.relationshipId}`);
        return this.emit(new Set([change.sourceId]), true);
      default: {
        const never: never = change;
        return never;
      }
    }
  }

  private emit(changed: ReadonlySet<string>, structural: boolean): void {
    for (const l of this.listeners) l(changed, structural);
  }
}
