/**
 * Executive cost figures from measured quantities and the plant's configured rates. Each figure
 * carries the inputs and the formula it came from, so the screen can show the method beside it.
 * Without a configured rate there is no cost figure (never a made-up default).
 */
export interface CostRates {
  /** ISO 4217 code, e.g. EUR. */
  readonly currency: string;
  readonly downtimePerHour?: number;
  readonly scrapPerPart?: number;
  readonly energyPerKwh?: number;
}

export interface Figure {
  readonly value: number;
  /** Message key of the method text and its parameters (numbers formatted by the view). */
  readonly method: { readonly key: string; readonly params: Readonly<Record<string, number | string>> };
}

function rate(v: number | undefined): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}

export function downtimeCost(downtimeHours: number, rates: CostRates): Figure | undefined {
  if (!rate(rates.downtimePerHour) || !Number.isFinite(downtimeHours)) return undefined;
  return { value: downtimeHours * rates.downtimePerHour, method: { key: 'method.downtimeCost', params: { hours: downtimeHours, rate: rates.downtimePerHour } } };
}

export function scrapCost(scrappedParts: number, rates: CostRates): Figure | undefined {
  if (!rate(rates.scrapPerPart) || !Number.isFinite(scrappedParts)) return undefined;
  return { value: scrappedParts * rates.scrapPerPart, method: { key: 'method.scrapCost', params: { parts: scrappedParts, rate: rates.scrapPerPart } } };
}

/** kWh per good unit, and its cost when an energy rate is set. */
export function energyPerUnit(energyKwh: number, goodUnits: number, rates: CostRates): { kwh: Figure; cost?: Figure } | undefined {
  if (!(goodUnits > 0) || !Number.isFinite(energyKwh)) return undefined;
  const kwh = energyKwh / goodUnits;
  const out: { kwh: Figure; cost?: Figure } = { kwh: { value: kwh, method: { key: 'method.energyPerUnit', params: { kwh: energyKwh, units: goodUnits } } } };
  if (rate(rates.energyPerKwh)) out.cost = { value: kwh * rates.energyPerKwh, method: { key: 'method.energyCostPerUnit', params: { kwhPerUnit: kwh, rate: rates.energyPerKwh } } };
  return out;
}

/**
 * Availability gained since predictive maintenance started: the difference, in percentage points,
 * between the availability of the window after the start and that of an equally long window before.
 */
export function availabilityGain(before: number | undefined, after: number | undefined, startedOn: string): Figure | undefined {
  if (before === undefined || after === undefined || !Number.isFinite(before) || !Number.isFinite(after)) return undefined;
  return { value: (after - before) * 100, method: { key: 'method.availabilityGain', params: { before: before * 100, after: after * 100, since: startedOn } } };
}

/** Rates are kept per browser until the platform has a settings API; checked on the way in. */
export function parseRates(text: string | null): CostRates | undefined {
  if (!text) return undefined;
  try {
    const v = JSON.parse(text) as Record<string, unknown>;
    if (typeof v['currency'] !== 'string' || !/^[A-Z]{3}$/.test(v['currency'])) return undefined;
    const pick = (k: string) => (typeof v[k] === 'number' && Number.isFinite(v[k]) && (v[k] as number) >= 0 ? (v[k] as number) : undefined);
    const out: { currency: string; downtimePerHour?: number; scrapPerPart?: number; energyPerKwh?: number } = { currency: v['currency'] };
    const d = pick('downtimePerHour');
    const s = pick('scrapPerPart');
    const e = pick('energyPerKwh');
    if (d !== undefined) out.downtimePerHour = d;
    if (s !== undefined) out.scrapPerPart = s;
    if (e !== undefined) out.energyPerKwh = e;
    return out;
  } catch {
    return undefined;
  }
}
