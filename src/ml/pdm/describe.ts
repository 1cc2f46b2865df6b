/**
 * Feature values in plain words: a driver of a prediction (feature name + value) becomes a message
 * key with parameters ("high-band (bearing) vibration rising 35% per day (last 3 days)").
 * Log-scale channels speak in percent (e^x − 1), linear ones (temperature) in their unit.
 */
import { assertNever } from './assert.js';
import { FEATURES, type FeatureDescriptor } from './features/catalogue.js';
import type { Message } from './messages.js';

const WINDOW = { slope1d: 'pdm.window.1d', slope3d: 'pdm.window.3d', slope7d: 'pdm.window.7d' } as const;

const round = (v: number, digits: number) => Number(v.toFixed(digits));
const pct = (logValue: number) => round(Math.abs(Math.expm1(logValue)) * 100, 0);

export function describeFeature(name: string, value: number): Message | undefined {
  const f = FEATURES.find((x) => x.name === name);
  if (!f || !Number.isFinite(value)) return undefined;
  return describe(f.describe, value);
}

function describe(d: FeatureDescriptor, v: number): Message | undefined {
  switch (d.kind) {
    case 'channel': {
      const signal = `pdm.signal.${d.channel.key}`;
      const log = d.channel.scale === 'log';
      const up = v >= 0;
      const amount: Record<string, string | number> = log ? { pct: pct(v) } : { delta: round(Math.abs(v), 1), unit: d.channel.unit };
      const abs = log ? '' : 'Abs';
      switch (d.stat) {
        case 'level':
          return { key: 'pdm.explain.level', params: { signal, value: round(v, 2), unit: d.channel.unit } };
        case 'dev':
          return { key: `pdm.explain.${up ? 'devUp' : 'devDown'}${abs}`, params: { signal, ...amount } };
        case 'proj3d':
          return { key: `pdm.explain.${up ? 'projUp' : 'projDown'}${abs}`, params: { signal, ...amount } };
        case 'age':
          return { key: 'pdm.explain.age', params: { signal, days: round(v, 1) } };
        case 'slope1d':
        case 'slope3d':
        case 'slope7d':
          return { key: `pdm.explain.${up ? 'rising' : 'falling'}${abs}`, params: { signal, ...amount, window: WINDOW[d.stat] } };
        default:
          return assertNever(d.stat);
      }
    }
    case 'scrapRate':
      return { key: 'pdm.explain.scrapRate', params: { pct: round(v * 100, 1), hours: d.hours } };
    case 'runningShare':
      return { key: 'pdm.explain.runningShare', params: { pct: round(v * 100, 0), hours: d.hours } };
    case 'minorStops':
      return { key: 'pdm.explain.minorStops', params: { count: round(v, 0), hours: d.hours } };
    case 'hoursSince':
      return { key: `pdm.explain.hoursSince.${d.what}`, params: { hours: round(v, 0) } };
    case 'hoursUntilPlannedMaintenance':
      return { key: 'pdm.explain.hoursUntil.plannedMaintenance', params: { hours: round(v, 0) } };
    case 'anomalyMax':
      return { key: 'pdm.explain.anomalyMax', params: { value: round(v, 2), hours: d.hours } };
    case 'anomalyCount':
      return { key: 'pdm.explain.anomalyCount', params: { count: round(v, 0), hours: d.hours } };
    case 'machineType':
      return undefined;
    default:
      return assertNever(d);
  }
}
