/**
 * Versioned model registry on the storage port (collection `ml_models`). Each saved model gets the
 * next integer version; its summary (data window, training date, metrics) and its body are separate
 * documents so listing stays cheap. One document names the promoted version, which the live scorer
 * uses. Writes are atomic batches with expected versions, so two trainings finishing together get
 * different version numbers instead of overwriting each other.
 */
import type { CollectionName, StorageAdapter, StoredDocument, WriteOp } from '../../storage/index.js';
import { StorageErrors } from '../../storage/index.js';
import { PdmErrors } from './errors.js';
import { assertPdmModel, type PdmModel } from './model.js';

export interface ModelSummary {
  readonly version: number;
  readonly createdAt: string;
  readonly dataWindow: { readonly from: string; readonly to: string };
  /** Who or what trained it: a user name, `cli`, `api`. */
  readonly trainedBy?: string;
  /** Where the training data came from: `history`, `simulator seed 42`, a file. */
  readonly source?: string;
  readonly modes: readonly string[];
  readonly metrics: {
    readonly rows: number;
    readonly failures: Readonly<Record<string, number>>;
    readonly trainingSeconds: number;
    readonly warningOutOfFold: { readonly precision: number; readonly recall: number; readonly medianLeadHours: number };
    /** Out-of-fold expected calibration error of the any-mode probability, per horizon (hours). */
    readonly ece: Readonly<Record<string, number>>;
  };
  readonly promoted: boolean;
  readonly promotedAt?: string;
  readonly promotedBy?: string;
}

const COUNTER = 'counter';
const PROMOTED = 'promoted';
const metaId = (v: number) => `meta:${String(v).padStart(8, '0')}`;
const bodyId = (v: number) => `model:${String(v).padStart(8, '0')}`;

type Meta = Omit<ModelSummary, 'promoted' | 'promotedAt' | 'promotedBy'>;
interface Pointer {
  readonly version: number;
  readonly at: string;
  readonly by?: string;
}

export function summaryOf(model: PdmModel): Omit<Meta, 'version' | 'trainedBy' | 'source'> {
  return {
    createdAt: model.createdAt,
    dataWindow: model.dataWindow,
    modes: model.modes.map((m) => m.mode),
    metrics: {
      rows: model.metrics.rows,
      failures: model.metrics.failures,
      trainingSeconds: model.metrics.trainingSeconds,
      warningOutOfFold: { precision: model.warning.outOfFold.precision, recall: model.warning.outOfFold.recall, medianLeadHours: model.warning.outOfFold.medianLeadHours },
      ece: Object.fromEntries(model.metrics.combined.map((c) => [String(c.horizonHours), c.reliability.ece])),
    },
  };
}

/**
 * Storage bodies are plain JSON: an undefined metric (NaN: no positives to compute it on) is stored
 * as null, exactly what JSON.stringify writes to a model file. Tree thresholds are always finite.
 */
function jsonSafe(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}

export class ModelRegistry {
  constructor(
    private readonly store: StorageAdapter,
    private readonly collection: CollectionName = 'ml_models',
  ) {}

  /** Stores a model under the next version and returns its summary (not promoted). */
  async save(model: PdmModel, info: { trainedBy?: string; source?: string } = {}): Promise<ModelSummary> {
    assertPdmModel(model);
    // Bounded: each retry means another save took the version in between.
    for (let attempt = 0; attempt < 20; attempt++) {
      const counter = await this.store.get(this.collection, COUNTER);
      const version = ((counter?.body as { last?: number } | undefined)?.last ?? 0) + 1;
      const meta: Meta = { version, ...summaryOf(model), ...(info.trainedBy ? { trainedBy: info.trainedBy } : {}), ...(info.source ? { source: info.source } : {}) };
      const ops: WriteOp[] = [
        { op: 'put', collection: this.collection, id: COUNTER, body: { last: version }, expectVersion: counter ? counter.version : 'absent' },
        { op: 'put', collection: this.collection, id: metaId(version), body: jsonSafe(meta), expectVersion: 'absent' },
        { op: 'put', collection: this.collection, id: bodyId(version), body: jsonSafe(model), expectVersion: 'absent' },
      ];
      try {
        await this.store.write(ops);
        return { ...(jsonSafe(meta) as Meta), promoted: false };
      } catch (err) {
        if (!StorageErrors.is(err, 'version_conflict')) throw err;
      }
    }
    throw PdmErrors.create('training_busy', 'could not allocate a model version: too many concurrent saves', {});
  }

  /** Every model, newest first. */
  async list(): Promise<ModelSummary[]> {
    const pointer = await this.pointer();
    const out: ModelSummary[] = [];
    let after: string | undefined;
    // Keyset paging over the small summary documents only.
    for (;;) {
      const page: StoredDocument[] = await this.store.list(this.collection, { prefix: 'meta:', limit: 500, ...(after ? { after } : {}) });
      for (const doc of page) out.push(this.withPointer(doc.body as Meta, pointer));
      if (page.length < 500) break;
      after = page[page.length - 1]!.id;
    }
    return out.sort((a, b) => b.version - a.version);
  }

  async summary(version: number): Promise<ModelSummary> {
    const doc = await this.store.get(this.collection, metaId(this.checkVersion(version)));
    if (!doc) throw PdmErrors.create('model_not_found', `no model version ${version}`, { version });
    return this.withPointer(doc.body as Meta, await this.pointer());
  }

  async get(version: number): Promise<PdmModel> {
    const doc = await this.store.get(this.collection, bodyId(this.checkVersion(version)));
    if (!doc) throw PdmErrors.create('model_not_found', `no model version ${version}`, { version });
    return assertPdmModel(doc.body, `ml_models/${version}`);
  }

  async promote(version: number, by?: string): Promise<ModelSummary> {
    await this.summary(version);
    const current = await this.store.get(this.collection, PROMOTED);
    const pointer: Pointer = { version, at: new Date().toISOString(), ...(by ? { by } : {}) };
    await this.store.write([{ op: 'put', collection: this.collection, id: PROMOTED, body: pointer, expectVersion: current ? current.version : 'absent' }]);
    return this.summary(version);
  }

  /** The promoted model, or undefined when none has been promoted. */
  async promoted(): Promise<{ summary: ModelSummary; model: PdmModel } | undefined> {
    const pointer = await this.pointer();
    if (!pointer) return undefined;
    return { summary: await this.summary(pointer.version), model: await this.get(pointer.version) };
  }

  private async pointer(): Promise<Pointer | undefined> {
    return (await this.store.get(this.collection, PROMOTED))?.body as Pointer | undefined;
  }

  private withPointer(meta: Meta, pointer: Pointer | undefined): ModelSummary {
    const promoted = pointer?.version === meta.version;
    return { ...meta, promoted, ...(promoted ? { promotedAt: pointer.at, ...(pointer.by ? { promotedBy: pointer.by } : {}) } : {}) };
  }

  private checkVersion(version: number): number {
    if (!Number.isInteger(version) || version < 1) throw PdmErrors.create('model_not_found', `model versions are positive integers, got ${version}`, { version });
    return version;
  }
}
