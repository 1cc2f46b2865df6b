/**
 * Unit conversion for telemetry-to-twin bindings. Each unit is an affine map to its quantity's
 * base unit: base = value × factor + offset. Factors are the exact or NIST SP 811 (Appendix B)
 * values. Converting from A to B goes through the base: ((v × fA + oA) − oB) / fB.
 */
import { HubErrors } from '../errors.js';

interface Unit {
  readonly quantity: string;
  readonly factor: number;
  readonly offset: number;
}

const U = (quantity: string, factor: number, offset = 0): Unit => ({ quantity, factor, offset });

export const UNITS: Readonly<Record<string, Unit>> = {
  // temperature, base kelvin
  K: U('temperature', 1),
  degC: U('temperature', 1, 273.15),
  degF: U('temperature', 5 / 9, 273.15 - (32 * 5) / 9),
  // pressure, base pascal
  Pa: U('pressure', 1),
  hPa: U('pressure', 100),
  kPa: U('pressure', 1000),
  MPa: U('pressure', 1e6),
  mbar: U('pressure', 100),
  bar: U('pressure', 1e5),
  psi: U('pressure', 6894.757293168361), // lbf/in²
  // length, base metre
  mm: U('length', 0.001),
  cm: U('length', 0.01),
  m: U('length', 1),
  km: U('length', 1000),
  in: U('length', 0.0254),
  ft: U('length', 0.3048),
  // mass, base kilogram
  g: U('mass', 0.001),
  kg: U('mass', 1),
  t: U('mass', 1000),
  lb: U('mass', 0.45359237),
  // time, base second
  ms: U('time', 0.001),
  s: U('time', 1),
  min: U('time', 60),
  h: U('time', 3600),
  // frequency / rotational speed, base hertz (revolutions per second)
  Hz: U('frequency', 1),
  kHz: U('frequency', 1000),
  rpm: U('frequency', 1 / 60),
  // power, base watt
  W: U('power', 1),
  kW: U('power', 1000),
  MW: U('power', 1e6),
  hp: U('power', 745.69987158227022), // mechanical horsepower
  // energy, base joule
  J: U('energy', 1),
  kJ: U('energy', 1000),
  Wh: U('energy', 3600),
  kWh: U('energy', 3.6e6),
  // volume flow, base m³/s
  'm3/s': U('flow', 1),
  'm3/h': U('flow', 1 / 3600),
  'L/min': U('flow', 0.001 / 60),
  'L/s': U('flow', 0.001),
  // speed, base m/s
  'm/s': U('speed', 1),
  'km/h': U('speed', 1000 / 3600),
  'mm/s': U('speed', 0.001),
  // ratio, base 1
  ratio: U('ratio', 1),
  '%': U('ratio', 0.01),
  ppm: U('ratio', 1e-6),
};

export type Converter = (v: number) => number;

export function converter(from: string, to: string): Converter {
  const a = UNITS[from];
  const b = UNITS[to];
  if (!a || !b) throw HubErrors.create('invalid_config', `unknown unit '${!a ? from : to}'`, { unit: !a ? from : to, known: Object.keys(UNITS) });
  if (a.quantity !== b.quantity) throw HubErrors.create('invalid_config', `cannot convert ${a.quantity} (${from}) to ${b.quantity} (${to})`, { from, to });
  if (from === to) return (v) => v;
  return (v) => (v * a.factor + a.offset - b.offset) / b.factor;
}
