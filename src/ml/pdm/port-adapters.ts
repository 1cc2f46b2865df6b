/**
 * `warningSinkFrom(alerts)`: the live scorer's failure warnings as external alerts of the alerts
 * context (docs/history.md §External alerts; source `pdm`, one open alert per device), so they get
 * its lifecycle, notifications and `activeAlerts` on the twin. The parameter is structural, so
 * src/platform passes its AlertService as it is. (The other write ports need no adapter: the twin
 * graph's trusted writer is a TwinWriter, and the history writer's `derived(points)` a PointWriter.)
 */
import { render } from './messages.js';
import type { Recommendation } from './recommend.js';
import type { WarningSink } from './scorer.js';

/** The `source` of predictive-maintenance alerts (their rule id is `external:pdm`). */
export const PDM_ALERT_SOURCE = 'pdm';

/** What the scorer needs of the alerts context (AlertService.raiseExternal / clearExternal). */
export interface ExternalAlerts {
  raiseExternal(input: {
    source: string; key: string; twinId?: string; deviceId?: string; severity: 'info' | 'warning' | 'critical'; title: string;
    message?: string; messageKey?: string; messageParams?: Readonly<Record<string, string | number>>; details?: unknown; time?: number;
  }): Promise<unknown>;
  clearExternal(source: string, key: string, time?: number): Promise<unknown>;
}

/** Alert texts are at most 200 (title) and 2000 (message) characters (the alerts context's limits). */
function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

export function warningSinkFrom(alerts: ExternalAlerts, source = PDM_ALERT_SOURCE): WarningSink {
  return {
    async raise(rec: Recommendation, text: string) {
      const why = rec.explanation.map((m) => render(m, 'en'));
      await alerts.raiseExternal({
        source, key: rec.deviceId, twinId: rec.twinId, deviceId: rec.deviceId, severity: rec.severity,
        title: clip(text, 200),
        message: clip(why.length > 0 ? `${text}. Why: ${why.join('; ')}.` : text, 2000),
        messageKey: rec.action.key, messageParams: rec.action.params,
        details: { mode: rec.mode, dueBy: rec.dueBy, dueInHours: rec.dueInHours, confidence: rec.confidence, horizonHours: rec.horizonHours, explanation: rec.explanation, since: rec.since },
        time: Date.parse(rec.since),
      });
    },
    async clear(deviceId: string, _twinId: string, time: number) {
      await alerts.clearExternal(source, deviceId, time);
    },
  };
}
