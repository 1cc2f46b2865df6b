/**
 * One recognisable shape per machine type, built from a few parts. Each part becomes one
 * InstancedMesh holding every machine of that type, so 1,000 machines cost a few dozen draw calls.
 * `tinted` parts take the machine's state colour; `motion` says how the part moves while running.
 */
import { BoxGeometry, CylinderGeometry, ConeGeometry, Matrix4, type BufferGeometry } from 'three';
import type { MachineKind } from '../../lib/plant.js';

export type Motion = 'none' | 'spin' | 'swing' | 'slide' | 'bob';

export interface PartSpec {
  readonly geometry: BufferGeometry;
  /** Placement of the part relative to the machine's origin on the floor. */
  readonly offset: Matrix4;
  readonly tinted: boolean;
  /** Fixed colour for untinted parts. */
  readonly color: number;
  readonly motion: Motion;
  /** Part of the click target. */
  readonly pickable: boolean;
}

const at = (x: number, y: number, z: number) => new Matrix4().makeTranslation(x, y, z);
const STEEL = 0x4a5561;
const DARK = 0x1d252d;
const ACCENT = 0xd9dee3;

function part(geometry: BufferGeometry, offset: Matrix4, opts: Partial<Omit<PartSpec, 'geometry' | 'offset'>> = {}): PartSpec {
  return { geometry, offset, tinted: opts.tinted ?? false, color: opts.color ?? STEEL, motion: opts.motion ?? 'none', pickable: opts.pickable ?? false };
}

export function shapeOf(kind: MachineKind): PartSpec[] {
  switch (kind) {
    case 'cnc':
      // An enclosed machining centre: cabinet, a dark window band, the spindle head on top.
      return [
        part(new BoxGeometry(2.2, 1.8, 1.8), at(0, 0.9, 0), { tinted: true, pickable: true }),
        part(new BoxGeometry(1.4, 0.7, 0.05), at(0, 1.1, 0.92), { color: DARK }),
        part(new CylinderGeometry(0.28, 0.28, 0.6, 16), at(0.5, 2.1, 0), { color: ACCENT, motion: 'spin' }),
      ];
    case 'robot':
      // An articulated arm: round base, upright column, and the arm that swings while it works.
      return [
        part(new CylinderGeometry(0.7, 0.8, 0.4, 20), at(0, 0.2, 0), { tinted: true, pickable: true }),
        part(new BoxGeometry(0.4, 1.4, 0.4), at(0, 1.1, 0), { tinted: true, pickable: true }),
        part(new BoxGeometry(1.6, 0.25, 0.25).translate(0.7, 0, 0), at(0, 1.8, 0), { color: ACCENT, motion: 'swing' }),
      ];
    case 'conveyor':
      // A long low belt on legs, with a part riding along it.
      return [
        part(new BoxGeometry(3.4, 0.18, 1), at(0, 0.8, 0), { tinted: true, pickable: true }),
        part(new BoxGeometry(3.2, 0.7, 0.8), at(0, 0.35, 0), { color: DARK, pickable: true }),
        part(new BoxGeometry(0.4, 0.3, 0.4), at(0, 1.05, 0), { color: ACCENT, motion: 'slide' }),
      ];
    case 'quality':
      // An inspection gantry: two posts, a beam, and the camera head moving up and down.
      return [
        part(new BoxGeometry(0.25, 2, 0.25), at(-0.9, 1, 0), { tinted: true, pickable: true }),
        part(new BoxGeometry(0.25, 2, 0.25), at(0.9, 1, 0), { tinted: true, pickable: true }),
        part(new BoxGeometry(2.05, 0.25, 0.4), at(0, 2.1, 0), { tinted: true, pickable: true }),
        part(new ConeGeometry(0.25, 0.5, 12).rotateX(Math.PI), at(0, 1.6, 0), { color: ACCENT, motion: 'bob' }),
        part(new BoxGeometry(1.4, 0.6, 1), at(0, 0.3, 0), { color: DARK, pickable: true }),
      ];
    case 'machine':
      return [part(new BoxGeometry(1.6, 1.4, 1.6), at(0, 0.7, 0), { tinted: true, pickable: true })];
    default: {
      const never: never = kind;
      return never;
    }
  }
}
