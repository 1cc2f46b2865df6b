/**
 * Which series a query reads (by name, twin, device, model or twin-graph query, narrowed by
 * signal), and reading all raw points of a series in a window from the store and the archive.
 */
import type { StorageAdapter, TextPoint, TimePoint } from '../../storage/index.js';
import type { ParquetArchive } from '../archive.js';
import type { SeriesCatalogue, SeriesInfo } from '../catalogue.js';
import { TimeSeriesErrors } from '../errors.js';
import { modelQuery, type TwinScope } from '../ports.js';

export interface SeriesSelector {
  /** Series names as stored (see catalogue.ts). */
  readonly series?: readonly string[];
  readonly twins?: readonly string[];
  readonly devices?: readonly string[];
  /** Twins of these models (and models extending them). */
  readonly models?: readonly string[];
  /** An ADT query whose rows are twins, e.g. every machine contained in LINE-2. */
  readonly query?: string;
  /** Only these signals (telemetry names or property paths); default all. */
  readonly signals?: readonly string[];
  readonly source?: SeriesInfo['source'];
}

export const MAX_SERIES = 1000;
/** Raw points one query may hold per series. */
export const MAX_RAW_POINTS = 5_000_000;
const PAGE = 100_000;

export async function resolveSeries(catalogue: SeriesCatalogue, scope: TwinScope | undefined, sel: SeriesSelector): Promise<SeriesInfo[]> {
  const out = new Map<string, SeriesInfo>();
  const signals = sel.signals && sel.signals.length > 0 ? sel.signals : undefined;
  for (const name of sel.series ?? []) {
    out.set(name, catalogue.get(name) ?? { series: name, signal: name.slice(name.lastIndexOf('/') + 1), kind: 'number', source: 'telemetry', firstSeen: '' });
  }
  let twins = sel.twins ? [...sel.twins] : undefined;
  const queries = [...(sel.models ?? []).map(modelQuery), ...(sel.query !== undefined ? [sel.query] : [])];
  if (queries.length > 0) {
    if (scope === undefined) throw TimeSeriesErrors.create('scope_unavailable', 'selecting series by model or twin-graph query needs the twin graph, which is not wired', { reason: 'no TwinScope' });
    twins = [...(twins ?? [])];
    for (const q of queries) twins.push(...(await scope.resolve(q)));
  }
  const base = { ...(signals ? { signals } : {}), ...(sel.source ? { source: sel.source } : {}) };
  if (twins !== undefined) for (const s of catalogue.find({ ...base, twins })) out.set(s.series, s);
  if (sel.devices !== undefined) for (const s of catalogue.find({ ...base, devices: sel.devices })) out.set(s.series, s);
  if (out.size > MAX_SERIES) {
    throw TimeSeriesErrors.create('too_many_series', `the selection holds ${out.size} series, more than ${MAX_SERIES}: narrow it with signals`, { series: out.size, limit: MAX_SERIES });
  }
  return [...out.values()].sort((a, b) => (a.series < b.series ? -1 : a.series > b.series ? 1 : 0));
}

type Reader<P> = (q: { series: string; from: Date; to: Date; limit: number }) => Promise<P[]>;

/**
 * Every point of one series with from <= time < to, in (time, arrival) order, paging through the
 * store by time: a page that ends inside a run of equal times is re-read from that time and the
 * points already seen are skipped.
 */
export async function readAllPoints<P extends { time: Date }>(read: Reader<P>, series: string, from: number, to: number, max = MAX_RAW_POINTS): Promise<P[]> {
  const out: P[] = [];
  for await (const page of storePages(read, series, from, to)) {
    for (const p of page) out.push(p);
    if (out.length > max) throw TimeSeriesErrors.create('too_many_points', `series ${series} has more than ${max} points in the window: use aggregates or a shorter window`, { series, limit: max });
  }
  return out;
}

/** The pages readAllPoints collects, one at a time (exports stream them without holding the series). */
async function* storePages<P extends { time: Date }>(read: Reader<P>, series: string, from: number, to: number): AsyncGenerator<P[]> {
  let cursor = from;
  let skip = 0;
  for (;;) {
    const page = await read({ series, from: new Date(cursor), to: new Date(to), limit: Math.min(PAGE + skip, 1_000_000) });
    const fresh = page.slice(skip);
    if (fresh.length > 0) yield fresh;
    if (page.length < PAGE + skip) return;
    const last = (page[page.length - 1] as P).time.getTime();
    const sameTime = page.filter((p) => p.time.getTime() === last).length;
    if (sameTime === page.length) throw TimeSeriesErrors.create('too_many_points', `series ${series} has more than ${page.length} points at one instant`, { series, limit: page.length });
    skip = sameTime;
    cursor = last;
  }
}

/**
 * Every point of one series in [from, to), store and archive merged in (time, arrival) order, as
 * pages of at most 100 000 points, read as the consumer asks for them: a window within the warm
 * store holds one page in memory, however long the series (no MAX_RAW_POINTS limit). A window that
 * reaches archived days is read whole (the merge needs both sides; archived days are bounded).
 */
export async function* pointPages(store: StorageAdapter, archive: ParquetArchive | undefined, info: Pick<SeriesInfo, 'series' | 'kind'>, from: number, to: number): AsyncGenerator<Array<TimePoint | TextPoint>> {
  const text = info.kind === 'text';
  if (archive !== undefined && archive.overlaps(from, to)) {
    yield text ? await readTexts(store, archive, info.series, from, to) : await readNumbers(store, archive, info.series, from, to);
    return;
  }
  if (text) yield* storePages((q) => store.readTextPoints(q), info.series, from, to);
  else yield* storePages((q) => store.readPoints(q), info.series, from, to);
}

/** Store + archive, merged in (time, arrival) order. */
export async function readNumbers(store: StorageAdapter, archive: ParquetArchive | undefined, series: string, from: number, to: number): Promise<TimePoint[]> {
  const live = await readAllPoints((q) => store.readPoints(q), series, from, to);
  if (archive === undefined || !archive.overlaps(from, to)) return live;
  return merge(await archive.readPoints([series], from, to), live);
}

export async function readTexts(store: StorageAdapter, archive: ParquetArchive | undefined, series: string, from: number, to: number): Promise<TextPoint[]> {
  const live = await readAllPoints((q) => store.readTextPoints(q), series, from, to);
  if (archive === undefined || !archive.overlaps(from, to)) return live;
  return merge(await archive.readTextPoints([series], from, to), live);
}

function merge<P extends { time: Date; arrival: Date }>(a: P[], b: P[]): P[] {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  return [...a, ...b].sort((x, y) => x.time.getTime() - y.time.getTime() || x.arrival.getTime() - y.arrival.getTime());
}
