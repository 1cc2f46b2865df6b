/** Test helpers: the demo models from models/ and a graph over a given store. */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EventBus } from '../../bus/index.js';
import type { StorageAdapter } from '../../storage/index.js';
import { TwinGraph } from '../graph/twin-graph.js';

export const MODELS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'models');

export const M = {
  equipment: 'dtmi:twinworks:plant:Equipment;1',
  enterprise: 'dtmi:twinworks:plant:Enterprise;1',
  site: 'dtmi:twinworks:plant:Site;1',
  area: 'dtmi:twinworks:plant:Area;1',
  line: 'dtmi:twinworks:plant:ProductionLine;1',
  workCell: 'dtmi:twinworks:plant:WorkCell;1',
  machine: 'dtmi:twinworks:plant:Machine;1',
  cnc: 'dtmi:twinworks:plant:Cnc;1',
  robot: 'dtmi:twinworks:plant:Robot;1',
  conveyor: 'dtmi:twinworks:plant:Conveyor;1',
  quality: 'dtmi:twinworks:plant:QualityStation;1',
  crew: 'dtmi:twinworks:plant:MaintenanceCrew;1',
  spindle: 'dtmi:twinworks:plant:Spindle;1',
  gripper: 'dtmi:twinworks:plant:Gripper;1',
} as const;

export function demoModelDocuments(): Record<string, unknown>[] {
  return readdirSync(MODELS_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(MODELS_DIR, f), 'utf8')) as Record<string, unknown>);
}

/** A steadily advancing fake clock: each call is 1 ms after the previous one. */
export function steppingClock(start = Date.UTC(2026, 0, 31, 12, 0, 0)): () => number {
  let t = start;
  return () => t++;
}

export async function graphWithModels(store: StorageAdapter, bus?: EventBus): Promise<TwinGraph> {
  const graph = new TwinGraph({ store, bus, clock: steppingClock() });
  await graph.load();
  await graph.createModels(demoModelDocuments());
  return graph;
}

export function cnc(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { $metadata: { $model: M.cnc }, spindle: { $metadata: {} }, ...extra };
}
