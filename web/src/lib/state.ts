/**
 * How a machine state and an alert severity show on screen. Colour is never the only carrier
 * (WCAG 2.2 §1.4.1 Use of Color): each state also has a glyph and a text label, and in 3D a
 * distinct emissive pulse/stripe for faults.
 */
export const MACHINE_STATES = ['Running', 'Idle', 'Stopped', 'Fault', 'Maintenance', 'Unknown'] as const;
export type MachineState = (typeof MACHINE_STATES)[number];

export type Severity = 'critical' | 'warning' | 'info';

export interface StateLook {
  /** sRGB hex colour, chosen to stay distinguishable for common colour-vision deficiencies. */
  readonly color: number;
  readonly glyph: string;
  /** Animated in 3D (moving parts) only while producing. */
  readonly animated: boolean;
}

export const STATE_LOOK: Readonly<Record<MachineState, StateLook>> = {
  Running: { color: 0x2e9e5b, glyph: '▶', animated: true },
  Idle: { color: 0x8a96a3, glyph: '∥', animated: false },
  Stopped: { color: 0x3d6fb6, glyph: '■', animated: false },
  Fault: { color: 0xd64541, glyph: '✖', animated: false },
  Maintenance: { color: 0xe0a030, glyph: '⚒', animated: false },
  Unknown: { color: 0x56606b, glyph: '?', animated: false },
};

export const SEVERITY_LOOK: Readonly<Record<Severity, { color: number; glyph: string; rank: number }>> = {
  // Glyphs from fonts every platform ships (⛔ is missing from DejaVu, Linux's default).
  critical: { color: 0xd64541, glyph: '‼', rank: 3 },
  warning: { color: 0xe0a030, glyph: '⚠', rank: 2 },
  info: { color: 0x4fb3d9, glyph: 'ℹ', rank: 1 },
};

/**
 * Twin `state` values: the DTDL enum (Idle/Running/Stopped/Fault/Maintenance) and the simulator's
 * lower-case production states (running, idle, starved, blocked, setup, plannedStop, down,
 * maintenance) both map onto the five shown states.
 */
export function normaliseState(value: unknown): MachineState {
  if (typeof value !== 'string') return 'Unknown';
  switch (value.toLowerCase()) {
    case 'running':
      return 'Running';
    case 'idle':
    case 'starved':
    case 'blocked':
    case 'setup':
      return 'Idle';
    case 'stopped':
    case 'plannedstop':
      return 'Stopped';
    case 'fault':
    case 'down':
      return 'Fault';
    case 'maintenance':
      return 'Maintenance';
    default:
      return 'Unknown';
  }
}

export function normaliseSeverity(value: unknown): Severity | undefined {
  return value === 'critical' || value === 'warning' || value === 'info' ? value : undefined;
}

/** The most severe of a list, or undefined for none. */
export function worstSeverity(values: Iterable<Severity>): Severity | undefined {
  let worst: Severity | undefined;
  for (const s of values) if (!worst || SEVERITY_LOOK[s].rank > SEVERITY_LOOK[worst].rank) worst = s;
  return worst;
}

/** `#rrggbb` for CSS. */
export function cssColor(color: number): string {
  return `#${color.toString(16).padStart(6, '0')}`;
}
