/** Stop reasons the simulator and devices report (stateReason telemetry, docs/simulator.md), with a message key each. */
export const KNOWN_REASONS = [
  'downstreamFull', 'emergencyStop', 'minorStop', 'stoppedByOperator', 'corrective', 'requested', 'changeover', 'upstreamEmpty',
  'break', 'noShift', 'bearingWear', 'overheating', 'toolWear', 'pressureLeak', 'starved', 'blocked', 'down', 'idle', 'setup',
] as const;
export type KnownReason = (typeof KNOWN_REASONS)[number];

export function isKnownReason(reason: string): reason is KnownReason {
  return (KNOWN_REASONS as readonly string[]).includes(reason);
}
