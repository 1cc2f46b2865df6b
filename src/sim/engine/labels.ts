/**
 * Ground-truth labels: one JSON object per thing that really happened to a device, so anomaly
 * detection and failure prediction can be scored. Events with a duration are written once, when they
 * end (so `end` is known); events still open when the run stops are written without `end`.
 */
export const LABEL_KINDS = ['failure', 'maintenance', 'anomaly', 'sensorFault', 'plannedStop', 'command'] as const;
export type LabelKind = (typeof LABEL_KINDS)[number];

export interface Label {
  /** ISO 8601 UTC source time the event began. */
  readonly time: string;
  /** ISO 8601 UTC time it ended; absent for instants and for events open at the end of the run. */
  readonly end?: string;
  readonly deviceId: string;
  readonly kind: LabelKind;
  /**
   * failure: the failure mode (`bearingWear`, `overheating`, `toolWear`, `pressureLeak`), equal to
   * the `stateReason` of the `down` state it causes; maintenance: `corrective`, `preventive`,
   * `requested`, `toolChange`; anomaly: `spike`, `levelShift`, `drift`; sensorFault: `stuck`,
   * `drift`, `spike`, `dropout`; plannedStop: `break`, `noShift`; command: the method name,
   * `desiredProperties`.
   */
  readonly mode: string;
  readonly detail?: Readonly<Record<string, unknown>>;
}

export type LabelListener = (label: Label) => void;

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
