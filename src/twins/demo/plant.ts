/**
 * The demo plant `npm start` shows: the DTDL models in models/ (ISA-95 equipment hierarchy,
 * IEC 62264-1 §5.3: Enterprise → Site → Area → ProductionLine → WorkCell/machine) and one factory with
 * LINE-1…LINE-3, each a CNC → robot → conveyor → quality station cell linked by `feeds` in flow order.
 * Twin ids match the simulator's device ids (`LINE-1-CNC`, …, site FACTORY-1), so telemetry and
 * twins line up. Seeding is idempotent: models and twins that exist are left alone, so a restart
 * neither duplicates anything nor undoes changes made since.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TwinGraph } from '../graph/twin-graph.js';

const P = 'dtmi:twinworks:plant:';

/** models/ at the project root, found from this file in src/ or dist/src/. */
export function defaultModelsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'models', 'Machine.json')) && existsSync(join(dir, 'package.json'))) return join(dir, 'models');
    dir = dirname(dir);
  }
  throw new Error('cannot find the models/ folder of the project');
}

export function readModelFiles(dir: string): Record<string, unknown>[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .flatMap((f) => {
      const parsed = JSON.parse(readFileSync(join(dir, f), 'utf8')) as unknown;
      return (Array.isArray(parsed) ? parsed : [parsed]) as Record<string, unknown>[];
    });
}

interface MachineSpec {
  readonly code: string;
  readonly model: string;
  readonly body: Record<string, unknown>;
}

const CELL: readonly MachineSpec[] = [
  { code: 'CNC', model: 'Cnc', body: { idealCycleTime: 40, program: 'O1000', toolCount: 24, manufacturer: 'DMG Mori', spindle: { $metadata: {}, maxRpm: 12000, toolNumber: 1 } } },
  { code: 'ROBOT', model: 'Robot', body: { idealCycleTime: 30, axes: 6, payloadKg: 20, manufacturer: 'KUKA', gripper: { $metadata: {}, kind: 'pneumatic', maxPayloadKg: 8 } } },
  { code: 'CONVEYOR', model: 'Conveyor', body: { idealCycleTime: 10, lengthM: 6.5, manufacturer: 'Interroll' } },
  { code: 'QC', model: 'QualityStation', body: { idealCycleTime: 20, inspectionMethod: 'vision', rejectThreshold: 0.02, manufacturer: 'Zeiss' } },
];
/** Parts a feeds link holds between stations (the simulator's default line buffers). */
const BUFFERS = [6, 4, 8];

export interface SeedResult {
  readonly modelsCreated: number;
  readonly twinsCreated: number;
  readonly relationshipsCreated: number;
}

export async function seedDemoPlant(graph: TwinGraph, options: { modelsDir?: string; lines?: number } = {}): Promise<SeedResult> {
  const docs = readModelFiles(options.modelsDir ?? defaultModelsDir());
  const missing = docs.filter((d) => !graph.models.has(d['@id'] as string));
  if (missing.length > 0) await graph.createModels(missing);

  // All twins first, then all relationships (targets must exist); each phase goes out concurrently,
  // so the write pipeline commits it in a few batches.
  const twins: Array<[string, string, Record<string, unknown>]> = [];
  const rels: Array<[string, string, string, string, Record<string, unknown>]> = [];
  twins.push(['ENTERPRISE', 'Enterprise', { name: 'Twinworks Demo Manufacturing' }]);
  twins.push(['FACTORY-1', 'Site', { name: 'Factory 1', timeZone: 'Europe/Berlin', location: { city: 'Stuttgart', country: 'DE', latitude: 48.78, longitude: 9.18 } }]);
  twins.push(['FACTORY-1-MACHINING', 'Area', { name: 'Machining' }]);
  twins.push(['MAINT-MECH', 'MaintenanceCrew', { name: 'Mechanical maintenance', shift: 'early', members: 4 }]);
  twins.push(['MAINT-ELEC', 'MaintenanceCrew', { name: 'Electrical maintenance', shift: 'late', members: 3 }]);
  rels.push(['ENTERPRISE', 'contains-FACTORY-1', 'contains', 'FACTORY-1', {}]);
  rels.push(['FACTORY-1', 'contains-FACTORY-1-MACHINING', 'contains', 'FACTORY-1-MACHINING', {}]);
  const lines = options.lines ?? 3;
  for (let l = 1; l <= lines; l++) {
    const line = `LINE-${l}`;
    twins.push([line, 'ProductionLine', { name: line, lineNumber: l, product: l === 3 ? 'housing-B' : 'housing-A', targetOee: 0.85 }]);
    rels.push(['FACTORY-1-MACHINING', `contains-${line}`, 'contains', line, {}]);
    for (const [i, m] of CELL.entries()) {
      const id = `${line}-${m.code}`;
      twins.push([id, m.model, { name: id, position: i + 1, state: 'idle', speed: 1, serialNumber: `SN-${l}${i + 1}-${m.code}`, commissionedOn: '2024-03-01', ...m.body }]);
      rels.push([line, `contains-${id}`, 'contains', id, {}]);
      rels.push([id, 'servedBy-mech', 'servedBy', 'MAINT-MECH', {}]);
      if (m.code === 'ROBOT' || m.code === 'QC') rels.push([id, 'servedBy-elec', 'servedBy', 'MAINT-ELEC', {}]);
      const next = CELL[i + 1];
      if (next) rels.push([id, `feeds-${line}-${next.code}`, 'feeds', `${line}-${next.code}`, { bufferCapacity: BUFFERS[i] }]);
    }
  }
  const newTwins = twins.filter(([id]) => !graph.index.getTwin(id));
  await Promise.all(newTwins.map(([id, model, body]) => graph.upsertTwin(id, { $metadata: { $model: `${P}${model};1` }, ...body }, { ifNoneMatch: '*' })));
  const newRels = rels.filter(([source, id]) => !graph.index.getRelationship(source, id));
  await Promise.all(
    newRels.map(([source, id, name, target, props]) => graph.upsertRelationship(source, id, { $relationshipName: name, $targetId: target, ...props }, { ifNoneMatch: '*' })),
  );
  return { modelsCreated: missing.length, twinsCreated: newTwins.length, relationshipsCreated: newRels.length };
}
