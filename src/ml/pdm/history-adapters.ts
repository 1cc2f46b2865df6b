/**
 * Ready adapters from the history context's point reads to the two ports predictive maintenance
 * trains and warms up from (docs/ml-live.md §Wiring):
 *
 * * `historySourceFrom(reader, machines)` → `HistorySource`: a machine's telemetry rebuilt as
 *   messages from its per-signal series `<twinId>/<signal>` (docs/history.md §Data model): numbers
 *   from the points table, `state`/`stateReason` from the text points, joined on source time.
 * * `labelSourceFrom(reader, machines)` → `LabelSource`: failures read off the same history. A machine
 *   reports a failure as state `down` with the failure mode as `stateReason` until the technician
 *   arrives, then `maintenance`/`corrective` while it is repaired (docs/simulator.md §Operating states);
 *   so a failure record is the first message of such an episode, `end` the first message after it.
 *   This is the platform's own record of what broke and when; no separate maintenance log is needed.
 *
 * The reader is structural, so the platform passes the history context's functions directly.
 */
import { inferMachineInfo } from './machines.js';
import { DAY_MS, inFailureState, type FailureRecord, type HistorySource, type LabelSource, type MachineInfo, type MachineSample } from './types.js';

/** Point reads of one series in [from, to), in time order (the history context's readNumbers/readTexts). */
export interface PointReader {
  readPoints(series: string, from: Date, to: Date): Promise<ReadonlyArray<{ readonly time: Date; readonly value: number }>>;
  /** Text points; the value may be called `value` or `text` (the storage port's `TextPoint`). */
  readTextPoints(series: string, from: Date, to: Date): Promise<ReadonlyArray<{ readonly time: Date; readonly value?: string; readonly text?: string }>>;
}

/** The machines to read: MachineInfo, or bare ids (type and line then read off the demo id convention). */
export type MachineList = () => Promise<ReadonlyArray<MachineInfo | string>> | ReadonlyArray<MachineInfo | string>;

export interface HistoryAdapterOptions {
  /** Series name of a machine's signal; default `<twinId or deviceId>/<signal>`. */
  readonly seriesName?: (machine: MachineInfo, signal: string) => string;
  /** Signals stored as text points (default `state`, `stateReason`); the others are numbers. */
  readonly textSignals?: readonly string[];
}

const TEXT_SIGNALS = ['state', 'stateReason'] as const;

function defaultSeries(m: MachineInfo, signal: string): string {
  return `${m.twinId ?? m.deviceId}/${signal}`;
}

async function listMachines(machines: MachineList): Promise<MachineInfo[]> {
  return (await machines()).map((m) => (typeof m === 'string' ? inferMachineInfo(m) : m));
}

export function historySourceFrom(reader: PointReader, machines: MachineList, options: HistoryAdapterOptions = {}): HistorySource {
  const seriesName = options.seriesName ?? defaultSeries;
  const text = new Set(options.textSignals ?? TEXT_SIGNALS);
  let known = new Map<string, MachineInfo>();
  const list = async () => {
    const ms = await listMachines(machines);
    known = new Map(ms.map((m) => [m.deviceId, m]));
    return ms;
  };
  return {
    machines: list,
    async readSeries(deviceId, signals, from, to) {
      const m = known.get(deviceId) ?? (await list(), known.get(deviceId)) ?? { deviceId };
      const byTime = new Map<number, Record<string, number | string>>();
      const put = (t: number, signal: string, v: number | string) => {
        let rec = byTime.get(t);
        if (!rec) byTime.set(t, (rec = {}));
        rec[signal] = v;
      };
      const f = new Date(from), t = new Date(to);
      await Promise.all(signals.map(async (signal) => {
        const series = seriesName(m, signal);
        if (text.has(signal)) {
          for (const p of await reader.readTextPoints(series, f, t)) {
            const v = p.value ?? p.text;
            if (v !== undefined) put(p.time.getTime(), signal, v);
          }
        } else {
          for (const p of await reader.readPoints(series, f, t)) put(p.time.getTime(), signal, p.value);
        }
      }));
      const out: MachineSample[] = [];
      for (const [time, values] of byTime) if (time >= from && time < to) out.push({ time, values });
      return out.sort((a, b) => a.time - b.time);
    },
  };
}

export interface LabelAdapterOptions extends HistoryAdapterOptions {
  /**
   * History read before `from` to know whether a failure was already under way there (then it
   * started earlier and is not in the window). Default 1 day: a technician arrives within the hour
   * and repairs take at most 6 h in the plant model.
   */
  readonly lookbackMs?: number;
}

export function labelSourceFrom(reader: PointReader, machines: MachineList, options: LabelAdapterOptions = {}): LabelSource {
  const history = historySourceFrom(reader, machines, options);
  const lookback = options.lookbackMs ?? DAY_MS;
  return {
    async failures(from, to) {
      const out: FailureRecord[] = [];
      for (const m of await history.machines()) {
        // The open episode; `time` is -Infinity when it began before the lookback (not reported).
        let open: { mode: string; time: number; repairing: boolean } | undefined;
        const close = (end?: number) => {
          if (open && open.time >= from) out.push({ deviceId: m.deviceId, mode: open.mode, time: open.time, ...(end !== undefined ? { end } : {}) });
          open = undefined;
        };
        // A day at a time: bounded memory for 1 Hz telemetry over months.
        for (let t = from - lookback; t < to; t += DAY_MS) {
          for (const s of await history.readSeries(m.deviceId, TEXT_SIGNALS, t, Math.min(to, t + DAY_MS))) {
            const state = s.values['state'], reason = s.values['stateReason'];
            if (state === undefined) continue;
            const failing = inFailureState(state, reason);
            // Out of the episode, or down again after a repair began: the open failure has ended.
            if (open && (!failing || (state === 'down' && open.repairing))) close(s.time);
            if (!failing) continue;
            if (!open) open = { mode: String(reason), time: state === 'down' ? s.time : Number.NEGATIVE_INFINITY, repairing: false };
            if (state === 'maintenance') open.repairing = true;
          }
        }
        close();
      }
      return out.sort((a, b) => a.time - b.time || a.deviceId.localeCompare(b.deviceId));
    },
  };
}
