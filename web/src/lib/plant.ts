/**
 * The plant as the 3D view and the line view need it, derived from the twin graph: which twins are
 * machines (their model extends Machine), which kind of machine (the shape to draw), which line
 * contains them (`contains`) and their order in the flow (`position`, then `feeds`).
 */
export type MachineKind = 'cnc' | 'robot' | 'conveyor' | 'quality' | 'machine';

export interface ModelInfo {
  readonly id: string;
  readonly extends: readonly string[];
}

export interface TwinLike {
  readonly $dtId: string;
  readonly $metadata?: { readonly $model?: string };
  readonly [key: string]: unknown;
}

export interface RelationshipLike {
  readonly $sourceId: string;
  readonly $targetId: string;
  readonly $relationshipName: string;
}

const KIND_BY_NAME: ReadonlyArray<[RegExp, MachineKind]> = [
  [/:Cnc;/i, 'cnc'],
  [/:Robot;/i, 'robot'],
  [/:Conveyor;/i, 'conveyor'],
  [/:QualityStation;/i, 'quality'],
  [/:Machine;/i, 'machine'],
];
const LINE = /:ProductionLine;/i;

/** Every model id a model is (itself and its ancestors), breadth first, cycle-safe. */
export function ancestry(modelId: string, models: ReadonlyMap<string, ModelInfo>): string[] {
  const out: string[] = [];
  const queue = [modelId];
  while (queue.length > 0 && out.length < 64) {
    const id = queue.shift()!;
    if (out.includes(id)) continue;
    out.push(id);
    queue.push(...(models.get(id)?.extends ?? []));
  }
  return out;
}

/** The most specific known kind in the model's ancestry, or undefined when it is no machine. */
export function machineKind(modelId: string, models: ReadonlyMap<string, ModelInfo>): MachineKind | undefined {
  for (const id of ancestry(modelId, models)) {
    for (const [re, kind] of KIND_BY_NAME) if (re.test(id)) return kind;
  }
  return undefined;
}

export function isLineModel(modelId: string, models: ReadonlyMap<string, ModelInfo>): boolean {
  return ancestry(modelId, models).some((id) => LINE.test(id));
}

export interface PlacedMachine {
  readonly id: string;
  readonly kind: MachineKind;
  readonly lineId: string | undefined;
  /** Index in the line's flow, 0-based. */
  readonly order: number;
  readonly x: number;
  readonly z: number;
}

export interface PlacedLine {
  readonly id: string;
  readonly name: string;
  readonly machineIds: readonly string[];
  readonly z: number;
}

export interface PlantLayout {
  readonly machines: readonly PlacedMachine[];
  readonly lines: readonly PlacedLine[];
  /** Half extents of the occupied floor, for framing the camera. */
  readonly halfWidth: number;
  readonly halfDepth: number;
}

export const MACHINE_SPACING = 4;
export const LINE_SPACING = 7;

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/**
 * Lines become rows (ordered by `lineNumber`, then id), machines sit along their row in flow order
 * (`position`, then upstream-before-downstream by `feeds`, then id); machines in no line share a
 * last row. `tags.layoutX`/`tags.layoutZ` on a machine, when numeric strings, pin it in place.
 * The result is centred on the origin.
 */
export function layoutPlant(twins: readonly TwinLike[], relationships: readonly RelationshipLike[], models: ReadonlyMap<string, ModelInfo>): PlantLayout {
  const kinds = new Map<string, MachineKind>();
  const lineTwins: TwinLike[] = [];
  const byId = new Map<string, TwinLike>();
  for (const t of twins) {
    byId.set(t.$dtId, t);
    const model = t.$metadata?.$model ?? '';
    const kind = machineKind(model, models);
    if (kind) kinds.set(t.$dtId, kind);
    else if (isLineModel(model, models)) lineTwins.push(t);
  }
  const lineIds = new Set(lineTwins.map((l) => l.$dtId));
  const lineOf = new Map<string, string>();
  const feeds = new Map<string, string[]>();
  for (const r of relationships) {
    if (r.$relationshipName === 'contains' && kinds.has(r.$targetId) && lineIds.has(r.$sourceId)) lineOf.set(r.$targetId, r.$sourceId);
    if (r.$relationshipName === 'feeds') feeds.set(r.$sourceId, [...(feeds.get(r.$sourceId) ?? []), r.$targetId]);
  }
  const depth = flowDepth(feeds);
  lineTwins.sort((a, b) => (num(a['lineNumber']) ?? Infinity) - (num(b['lineNumber']) ?? Infinity) || a.$dtId.localeCompare(b.$dtId));
  const rows: Array<{ id: string | undefined; name: string; members: string[] }> = lineTwins.map((l) => ({
    id: l.$dtId,
    name: typeof l['name'] === 'string' ? l['name'] : l.$dtId,
    members: [],
  }));
  const rowIndex = new Map(rows.map((r, i) => [r.id!, i]));
  const loose: string[] = [];
  for (const id of kinds.keys()) {
    const line = lineOf.get(id);
    if (line !== undefined) rows[rowIndex.get(line)!]!.members.push(id);
    else loose.push(id);
  }
  if (loose.length > 0) rows.push({ id: undefined, name: '', members: loose });
  const flowKey = (id: string) => num(byId.get(id)?.['position']) ?? Infinity;
  for (const row of rows) row.members.sort((a, b) => flowKey(a) - flowKey(b) || (depth.get(a) ?? 0) - (depth.get(b) ?? 0) || a.localeCompare(b));

  const widest = Math.max(1, ...rows.map((r) => r.members.length));
  const halfWidth = ((widest - 1) * MACHINE_SPACING) / 2;
  const halfDepth = ((Math.max(1, rows.length) - 1) * LINE_SPACING) / 2;
  const machines: PlacedMachine[] = [];
  const lines: PlacedLine[] = [];
  rows.forEach((row, r) => {
    const z = r * LINE_SPACING - halfDepth;
    row.members.forEach((id, i) => {
      const tags = byId.get(id)?.['tags'] as Record<string, unknown> | undefined;
      const px = tags ? Number(tags['layoutX']) : NaN;
      const pz = tags ? Number(tags['layoutZ']) : NaN;
      machines.push({
        id,
        kind: kinds.get(id)!,
        lineId: row.id,
        order: i,
        x: Number.isFinite(px) ? px : i * MACHINE_SPACING - halfWidth,
        z: Number.isFinite(pz) ? pz : z,
      });
    });
    if (row.id !== undefined) lines.push({ id: row.id, name: row.name, machineIds: row.members, z });
  });
  return { machines, lines, halfWidth: halfWidth + MACHINE_SPACING, halfDepth: halfDepth + LINE_SPACING / 2 };
}

/** Longest distance from a source along `feeds` (a machine fed by another comes after it). */
function flowDepth(feeds: ReadonlyMap<string, readonly string[]>): Map<string, number> {
  const depth = new Map<string, number>();
  const fedBy = new Set<string>();
  for (const targets of feeds.values()) for (const t of targets) fedBy.add(t);
  const queue: Array<[string, number]> = [...feeds.keys()].filter((s) => !fedBy.has(s)).map((s) => [s, 0]);
  let steps = 0;
  while (queue.length > 0 && steps++ < 100_000) {
    const [id, d] = queue.shift()!;
    if ((depth.get(id) ?? -1) >= d) continue;
    depth.set(id, d);
    for (const t of feeds.get(id) ?? []) if (d + 1 < 10_000) queue.push([t, d + 1]);
  }
  return depth;
}
