/**
 * The demo plant's default rules (seeded when no rule is stored yet): one rule per condition
 * covers every machine, through the Machine model and everything extending it (Cnc, Robot, …).
 */
import type { RuleDocument } from './rules/schema.js';

const MACHINES = { models: ['dtmi:twinworks:plant:Machine;1'] };

export const DEFAULT_RULES: readonly RuleDocument[] = [
  {
    id: 'machine-overtemperature',
    name: 'Machine over temperature',
    severity: 'critical',
    scope: MACHINES,
    condition: { kind: 'threshold', signal: 'temperature', op: '>', value: 85, hysteresis: 2 },
    message: '{subject}: temperature {value} °C is above 85 °C',
  },
  {
    id: 'machine-overpressure',
    name: 'Pressure high',
    severity: 'warning',
    scope: MACHINES,
    condition: { kind: 'threshold', signal: 'pressure', op: '>', value: 100, hysteresis: 2 },
    message: '{subject}: pressure {value} bar is above 100 bar',
  },
  {
    id: 'machine-vibration',
    name: 'Vibration high',
    severity: 'warning',
    scope: MACHINES,
    condition: { kind: 'threshold', signal: 'vibration', op: '>', value: 5, hysteresis: 0.5 },
    message: '{subject}: vibration {value} mm/s is above 5 mm/s (ISO 10816 zone C)',
  },
  {
    id: 'oee-low',
    name: 'OEE below 70 %',
    severity: 'warning',
    scope: { models: ['dtmi:twinworks:plant:Machine;1', 'dtmi:twinworks:plant:ProductionLine;1'] },
    // The live OEE on the twin (analytics) moves slowly; 10 minutes below keeps a bad start of shift from paging anyone.
    condition: { kind: 'threshold', signal: 'oee', op: '<', value: 0.7, hysteresis: 0.02, for: '10m' },
    message: '{subject}: OEE {value} is below 70 %',
  },
];
