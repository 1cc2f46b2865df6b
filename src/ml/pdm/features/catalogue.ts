/**
 * The feature vector: its layout (names in a fixed order, stored in every model so a model trained
 * with another layout is refused) and what each feature means, for explanations in plain words.
 *
 * Channels are hourly robust levels of one telemetry field in one regime: vibration, power and
 * temperature only mean something while the machine runs (they scale with speed and load), supply
 * pressure is read both under consumption (running) and at rest, where a leak shows without the
 * consumption dip on top.
 */

export type Scale = 'log' | 'linear';

export interface ChannelSpec {
  readonly key: string;
  /** Telemetry field read. */
  readonly field: string;
  readonly when: 'running' | 'rest';
  /** log: changes are relative (ratios, %/day); linear: absolute (°C, °C/day). */
  readonly scale: Scale;
  readonly unit: string;
}

export const CHANNELS: readonly ChannelSpec[] = [
  { key: 'vibration', field: 'vibration', when: 'running', scale: 'log', unit: 'mm/s' },
  { key: 'vibrationHighBand', field: 'vibrationHighBand', when: 'running', scale: 'log', unit: 'mm/s' },
  { key: 'temperature', field: 'temperature', when: 'running', scale: 'linear', unit: '°C' },
  { key: 'power', field: 'power', when: 'running', scale: 'log', unit: 'kW' },
  { key: 'pressure', field: 'pressure', when: 'running', scale: 'log', unit: 'bar' },
  { key: 'pressureAtRest', field: 'pressure', when: 'rest', scale: 'log', unit: 'bar' },
  { key: 'cycleTime', field: 'cycleTime', when: 'running', scale: 'log', unit: 's' },
];

/**
 * Per-channel statistics, in this order: level (mean of the newest 6 known hourly values of the last
 * 48 hours, raw units: the level the channel was last seen at, through breaks and stops), dev
 * (level against the median of the daily means of the last 14 days), slopes over 1, 3 and 7 days
 * (per day), and proj3d = dev + 3 · slope1d, where the last day's trend takes the deviation in three
 * days (a tree cannot add two features, and "how bad soon" is what failure timing depends on), and
 * age = dev / slope1d in days, clamped to [0, 30]: how long the current trend has taken to build the
 * deviation (30 when the deviation is not growing). Deviation, age and trend together say how fast a
 * fault is developing, which decides whether it fails before the next maintenance window.
 */
export const CHANNEL_STATS = ['level', 'dev', 'slope1d', 'slope3d', 'slope7d', 'proj3d', 'age'] as const;
export type ChannelStat = (typeof CHANNEL_STATS)[number];

/** Fields the streaming anomaly detector watches (raw values, every sample). */
export const ANOMALY_FIELDS = ['vibration', 'vibrationHighBand', 'temperature', 'power', 'pressure'] as const;

export const MACHINE_TYPE_HINTS = ['cnc', 'robot', 'conveyor', 'quality'] as const;

export type FeatureDescriptor =
  | { readonly kind: 'channel'; readonly channel: ChannelSpec; readonly stat: ChannelStat }
  | { readonly kind: 'scrapRate'; readonly hours: number }
  | { readonly kind: 'runningShare'; readonly hours: number }
  | { readonly kind: 'minorStops'; readonly hours: number }
  | { readonly kind: 'hoursSince'; readonly what: 'maintenance' | 'plannedMaintenance' }
  | { readonly kind: 'hoursUntilPlannedMaintenance' }
  | { readonly kind: 'anomalyMax'; readonly hours: number }
  | { readonly kind: 'anomalyCount'; readonly hours: number }
  | { readonly kind: 'machineType'; readonly type: string };

export interface Feature {
  readonly name: string;
  readonly describe: FeatureDescriptor;
}

function build(): Feature[] {
  const out: Feature[] = [];
  for (const channel of CHANNELS) {
    for (const stat of CHANNEL_STATS) out.push({ name: `${channel.key}.${stat}`, describe: { kind: 'channel', channel, stat } });
  }
  out.push({ name: 'scrapRate.6h', describe: { kind: 'scrapRate', hours: 6 } });
  out.push({ name: 'scrapRate.24h', describe: { kind: 'scrapRate', hours: 24 } });
  out.push({ name: 'running.share24h', describe: { kind: 'runningShare', hours: 24 } });
  out.push({ name: 'minorStops.24h', describe: { kind: 'minorStops', hours: 24 } });
  out.push({ name: 'hoursSince.maintenance', describe: { kind: 'hoursSince', what: 'maintenance' } });
  out.push({ name: 'hoursSince.plannedMaintenance', describe: { kind: 'hoursSince', what: 'plannedMaintenance' } });
  out.push({ name: 'hoursUntil.plannedMaintenance', describe: { kind: 'hoursUntilPlannedMaintenance' } });
  out.push({ name: 'anomaly.max24h', describe: { kind: 'anomalyMax', hours: 24 } });
  out.push({ name: 'anomaly.count24h', describe: { kind: 'anomalyCount', hours: 24 } });
  for (const type of MACHINE_TYPE_HINTS) out.push({ name: `type.${type}`, describe: { kind: 'machineType', type } });
  return out;
}

export const FEATURES: readonly Feature[] = build();
export const FEATURE_NAMES: readonly string[] = FEATURES.map((f) => f.name);
export const FEATURE_COUNT = FEATURES.length;

/** Hours of hourly history the tracker keeps (the longest window a feature looks at). */
export const HISTORY_HOURS = 14 * 24;
/** "Hours since" features saturate here: older than two weeks is "long ago". */
export const HOURS_SINCE_CAP = 14 * 24;
/** An anomaly score at or above this counts as an anomaly in `anomaly.count24h`. */
export const ANOMALY_COUNT_THRESHOLD = 0.5;
