/**
 * What OEE needs to know about the plant: which twins are machines and lines, what a line or an
 * area contains, the order material flows through a line, and each machine's ideal cycle time.
 * The port keeps the engine independent of the twin graph; `plantModelFromReader` implements it
 * over any GraphReader with the demo plant's ISA-95 models (models/*.json): `contains` for the
 * hierarchy (Enterprise → Site → Area → ProductionLine → WorkCell/Machine), `feeds` for flow, the
 * `idealCycleTime` property (seconds per part).
 */
import type { GraphReader } from '../query/index.js';

export type UnitKind = 'machine' | 'line' | 'group';

export interface PlantModel {
  kind(twinId: string): UnitKind | undefined;
  /** Direct children through `contains`. */
  children(twinId: string): string[];
  /** A line's machines in flow order (first to last); machines outside the flow keep id order at the end. */
  lineMachines(lineId: string): string[];
  idealCycleTimeSec(machineId: string): number | undefined;
  /** Every machine and line (for live values). */
  units(): Array<{ id: string; kind: 'machine' | 'line' }>;
}

export interface PlantModelIds {
  readonly machine: string;
  readonly line: string;
  readonly contains: string;
  readonly feeds: string;
  readonly idealCycleTime: string;
}

export const DEMO_PLANT_IDS: PlantModelIds = {
  machine: 'dtmi:twinworks:plant:Machine;1',
  line: 'dtmi:twinworks:plant:ProductionLine;1',
  contains: 'contains',
  feeds: 'feeds',
  idealCycleTime: 'idealCycleTime',
};

export function plantModelFromReader(reader: GraphReader, ids: PlantModelIds = DEMO_PLANT_IDS): PlantModel {
  const isA = (twinId: string, model: string) => {
    const t = reader.getTwin(twinId);
    return t !== undefined && reader.modelAndDescendants(model).includes(t.$metadata.$model);
  };
  const children = (id: string) => [...reader.outgoing(id, [ids.contains])].map((r) => r.$targetId).sort();
  return {
    kind(id) {
      if (reader.getTwin(id) === undefined) return undefined;
      if (isA(id, ids.machine)) return 'machine';
      if (isA(id, ids.line)) return 'line';
      return 'group';
    },
    children,
    lineMachines(lineId) {
      const members = children(lineId).filter((m) => isA(m, ids.machine));
      const set = new Set(members);
      const next = new Map<string, string[]>();
      const indegree = new Map(members.map((m) => [m, 0]));
      for (const m of members) {
        const targets = [...reader.outgoing(m, [ids.feeds])].map((r) => r.$targetId).filter((t) => set.has(t)).sort();
        next.set(m, targets);
        for (const t of targets) indegree.set(t, (indegree.get(t) ?? 0) + 1);
      }
      // Kahn's topological sort, ties by id, so the order is stable; cycles fall to the end in id order.
      const ready = members.filter((m) => indegree.get(m) === 0);
      const out: string[] = [];
      while (ready.length > 0) {
        ready.sort();
        const m = ready.shift() as string;
        out.push(m);
        for (const t of next.get(m) ?? []) {
          indegree.set(t, (indegree.get(t) ?? 0) - 1);
          if (indegree.get(t) === 0) ready.push(t);
        }
      }
      return [...out, ...members.filter((m) => !out.includes(m))];
    },
    idealCycleTimeSec(id) {
      const v = reader.getTwin(id)?.[ids.idealCycleTime];
      return typeof v === 'number' && v > 0 ? v : undefined;
    },
    units() {
      const out: Array<{ id: string; kind: 'machine' | 'line' }> = [];
      for (const id of reader.twinsOfModels(reader.modelAndDescendants(ids.machine))) out.push({ id, kind: 'machine' });
      for (const id of reader.twinsOfModels(reader.modelAndDescendants(ids.line))) out.push({ id, kind: 'line' });
      return out;
    },
  };
}
