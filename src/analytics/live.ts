/**
 * Live OEE on the twins: every minute (by default) each machine and line gets `oee`,
 * `availability`, `performance` and `quality` (fractions 0..1) for the shift so far, so twin
 * queries, dashboards and alert rules (e.g. OEE < 70 %) see them. Outside every shift, or without a
 * calendar, the window is the last `windowMs` (default 8 hours). A value is written only when it
 * changed by more than 0.0001, to keep twin updates (and their history) low.
 */
import type { JsonPatchOperation } from '../bus/index.js';
import type { ShiftCalendar, TwinWriter } from '../timeseries/index.js';
import type { PlantModel } from './plant.js';
import type { OeeService } from './service.js';

export interface LiveOeeOptions {
  readonly service: OeeService;
  readonly plant: PlantModel;
  readonly writer: TwinWriter;
  readonly calendar?: ShiftCalendar | undefined;
  readonly windowMs?: number;
  readonly clock?: () => number;
  readonly onError?: (twinId: string, err: unknown) => void;
}

export const LIVE_PROPERTIES = ['oee', 'availability', 'performance', 'quality'] as const;

export class LiveOee {
  private readonly last = new Map<string, Record<string, number>>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(private readonly o: LiveOeeOptions) {}

  window(now: number): { from: number; to: number } {
    const shift = this.o.calendar?.instances(now - 1, now + 1).find((s) => s.start <= now && now < s.end);
    return shift ? { from: shift.start, to: now } : { from: now - (this.o.windowMs ?? 8 * 3_600_000), to: now };
  }

  /** One pass over every machine and line; returns how many twins were patched. */
  refresh(now = (this.o.clock ?? Date.now)()): Promise<number> {
    this.running ??= this.pass(now).finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(now: number): Promise<number> {
    const { from, to } = this.window(now);
    if (!(to > from)) return 0;
    let patched = 0;
    for (const unit of this.o.plant.units()) {
      try {
        const r = await this.o.service.compute({ twin: unit.id }, from, to);
        const prev = this.last.get(unit.id) ?? {};
        const ops: JsonPatchOperation[] = [];
        const next: Record<string, number> = {};
        for (const k of LIVE_PROPERTIES) {
          const v = r[k];
          if (v === null || !Number.isFinite(v)) continue;
          next[k] = v;
          if (prev[k] === undefined || Math.abs((prev[k] as number) - v) > 1e-4) ops.push({ op: 'add', path: `/${k}`, value: v });
        }
        if (ops.length === 0) continue;
        await this.o.writer.patch(unit.id, ops);
        this.last.set(unit.id, next);
        patched++;
      } catch (err) {
        this.o.onError?.(unit.id, err);
      }
    }
    return patched;
  }

  start(everyMs = 60_000): void {
    this.timer = setInterval(() => void this.refresh(), everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
