/**
 * Connects the live scorer to the bus: telemetry arrives as `telemetry.batch` (the hub's group
 * commits) and, where routes ask for it, per-message `telemetry.received`. The scorer's state is
 * soft (it is rebuilt by `warmUp` after a restart), so the consumers are plain groups, not durable:
 * replaying days of backlog on start would only redo what warmUp does from the history.
 * A message seen through both events is counted once (the tracker drops same-time repeats).
 */
import type { EventBus, Subscription } from '../../bus/index.js';
import type { LiveScorer } from './scorer.js';

export interface ConnectOptions {
  /** Consumer group prefix (replicas sharing it split machines' events between them). */
  readonly group?: string;
  readonly events?: ReadonlyArray<'telemetry.batch' | 'telemetry.received'>;
}

export async function connectScorer(bus: EventBus, scorer: LiveScorer, options: ConnectOptions = {}): Promise<Subscription[]> {
  const group = options.group ?? 'ml-pdm';
  const events = options.events ?? ['telemetry.batch', 'telemetry.received'];
  const subs: Subscription[] = [];
  if (events.includes('telemetry.batch')) {
    subs.push(await bus.subscribe('telemetry.batch', (ev) => {
      for (const m of ev.payload.messages) scorer.ingest(m);
    }, { group: `${group}-batch` }));
  }
  if (events.includes('telemetry.received')) {
    subs.push(await bus.subscribe('telemetry.received', (ev) => scorer.ingest(ev.payload), { group: `${group}-received` }));
  }
  return subs;
}
