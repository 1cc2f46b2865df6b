/**
 * Interface hierarchies (DTDL v2/v3 §Interface, §"Limits and exclusions"): `extends` is at most 10 levels
 * deep and acyclic; in v3 the whole extends hierarchy has at most 1,024 values and the contents hierarchy
 * at most 100,000 elements; content names are unique across an Interface and everything it extends
 * (v2 also caps contents, inherited ones included, at 300).
 */
import type { Diagnostics } from '../diagnostics.js';
import { DESCENDANT_CONTROLS } from '../metamodel/index.js';
import type { ElementRecord, WorkingModel } from '../parser/model.js';

const at = (rec: ElementRecord) => ({ path: rec.elt.node.path, line: rec.elt.node.line, documentIndex: rec.documentIndex, sourceDtmi: rec.sourceDtmi });

type Status = 'inProgress' | 'done';

export class InterfaceChecks {
  private readonly height = new Map<string, number>();
  private readonly heightStatus = new Map<string, Status>();
  private readonly counts = new Map<string, Map<string, number>>();
  private readonly countStatus = new Map<string, Map<string, Status>>();
  private readonly reportedCycles = new Set<string>();

  constructor(
    private readonly model: WorkingModel,
    private readonly diags: Diagnostics,
  ) {}

  private extendsOf(rec: ElementRecord): ElementRecord[] {
    return (rec.objects.get('extends') ?? []).map((id) => this.model.get(id)).filter((x): x is ElementRecord => x !== undefined);
  }

  /** Longest chain of `extends` hops below an Interface; reports cycles once. */
  private extendsHeight(rec: ElementRecord): number {
    const st = this.heightStatus.get(rec.id);
    if (st === 'done') return this.height.get(rec.id) ?? 0;
    if (st === 'inProgress') {
      if (!this.reportedCycles.has(`extends:${rec.id}`)) {
        this.reportedCycles.add(`extends:${rec.id}`);
        this.diags.notify('recursiveStructureNarrow', { primaryId: rec.id, property: "'extends'", ...at(rec) });
      }
      return 0;
    }
    this.heightStatus.set(rec.id, 'inProgress');
    let h = 0;
    for (const p of this.extendsOf(rec)) h = Math.max(h, 1 + this.extendsHeight(p));
    this.heightStatus.set(rec.id, 'done');
    this.height.set(rec.id, h);
    return h;
  }

  /** All Interfaces an Interface extends, directly or not (cycle-safe). */
  ancestors(rec: ElementRecord): ElementRecord[] {
    const seen = new Set<string>([rec.id]);
    const out: ElementRecord[] = [];
    const queue = this.extendsOf(rec);
    while (queue.length > 0) {
      const a = queue.shift() as ElementRecord;
      if (seen.has(a.id)) continue;
      seen.add(a.id);
      out.push(a);
      queue.push(...this.extendsOf(a));
    }
    return out;
  }

  /** Count of values of the given members over the hierarchy below an element (reference: GetCountOf…Narrow). */
  private hierarchyCount(key: string, rec: ElementRecord, props: readonly string[], allowSelf = false): number {
    let status = this.countStatus.get(key);
    let counts = this.counts.get(key);
    if (!status || !counts) {
      status = new Map();
      counts = new Map();
      this.countStatus.set(key, status);
      this.counts.set(key, counts);
    }
    const st = status.get(rec.id);
    if (st === 'done') return counts.get(rec.id) ?? 0;
    if (st === 'inProgress') {
      if (allowSelf) return 0;
      if (!this.reportedCycles.has(`${key}:${rec.id}`)) {
        this.reportedCycles.add(`${key}:${rec.id}`);
        this.diags.notify('recursiveStructureNarrow', { primaryId: rec.id, property: props.map((p) => `'${p}'`).join(' or '), ...at(rec) });
      }
      return 0;
    }
    status.set(rec.id, 'inProgress');
    let n = 0;
    for (const p of props) {
      for (const id of rec.objects.get(p) ?? []) {
        const child = this.model.get(id);
        if (child) n += this.hierarchyCount(key, child, props, allowSelf) + 1;
      }
    }
    status.set(rec.id, 'done');
    counts.set(rec.id, n);
    return n;
  }

  check(rec: ElementRecord): void {
    if (rec.kind !== 'Interface') return;
    const controls = DESCENDANT_CONTROLS.filter((c) => c.version === rec.version && c.rootClass === 'Interface');
    for (const c of controls) {
      if (c.properties.includes('extends')) {
        const h = this.extendsHeight(rec);
        if (c.maxDepth !== undefined && h > c.maxDepth) {
          this.diags.notify('excessiveDepthNarrow', { primaryId: rec.id, property: "'extends'", count2: c.maxDepth, ...at(rec) });
        }
        if (c.maxCount !== undefined) {
          const n = this.hierarchyCount('extends', rec, ['extends']);
          if (n > c.maxCount) this.diags.notify('excessiveCount', { primaryId: rec.id, property: "'extends'", count1: n, count2: c.maxCount, ...at(rec) });
        }
        if (c.importProperties?.includes('contents')) this.checkImportedNames(rec);
      } else if (c.maxCount !== undefined) {
        const key = c.properties.join(',');
        const n = this.hierarchyCount(key, rec, c.properties, c.allowSelf);
        if (n > c.maxCount) this.diags.notify('excessiveCount', { primaryId: rec.id, property: c.properties.map((p) => `'${p}'`).join(' or '), count1: n, count2: c.maxCount, ...at(rec) });
      }
    }
  }

  /** Names of contents must not clash with contents inherited through `extends`. */
  private checkImportedNames(rec: ElementRecord): void {
    const names = new Map<string, string>();
    for (const id of rec.objects.get('contents') ?? []) {
      const name = this.model.get(id)?.literals.get('name');
      if (typeof name === 'string' && !names.has(name)) names.set(name, id);
    }
    for (const a of this.ancestors(rec)) {
      for (const id of a.objects.get('contents') ?? []) {
        const name = this.model.get(id)?.literals.get('name');
        if (typeof name !== 'string') continue;
        const existing = names.get(name);
        if (existing === undefined) names.set(name, id);
        else if (existing !== id) {
          this.diags.notify('nonUniqueImportedPropertyValue', { primaryId: rec.id, secondaryId: a.id, property: 'contents', auxProperty: 'name', transformation: 'extends', value: name, ...at(rec) });
        }
      }
    }
  }

  /** Own and inherited contents, own first (names unique once the model is valid). */
  flattenedContents(rec: ElementRecord): string[] {
    const out: string[] = [...(rec.objects.get('contents') ?? [])];
    const seen = new Set(out);
    for (const a of this.ancestors(rec)) {
      for (const id of a.objects.get('contents') ?? []) {
        if (!seen.has(id)) {
          seen.add(id);
          out.push(id);
        }
      }
    }
    return out;
  }
}
