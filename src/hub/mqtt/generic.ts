/**
 * Generic MQTT topics mapped to devices, for machines that do not speak the IoT Hub topic scheme,
 * e.g. `factory/{line}/{machine}/telemetry` with device id `{line}-{machine}`. A `{name}` segment
 * captures exactly one topic level; the device id template uses the captured names.
 */
import { HubErrors } from '../errors.js';

export interface GenericTopicConfig {
  /** Topic template, e.g. `factory/{line}/{machine}/telemetry`. */
  readonly topic: string;
  /** Device id template, e.g. `{line}-{machine}`; default `{deviceId}` (the template must then capture it). */
  readonly deviceId?: string;
  /** How the payload is read: JSON (default) or opaque bytes. */
  readonly contentType?: 'application/json' | 'application/octet-stream';
}

export interface GenericTopic {
  readonly config: GenericTopicConfig;
  /** The MQTT filter the template covers (`{x}` → `+`), for subscriptions in external-broker mode. */
  readonly filter: string;
  match(topic: string): { deviceId: string; vars: Record<string, string> } | undefined;
}

const VAR = /^\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

export function compileGenericTopic(config: GenericTopicConfig): GenericTopic {
  const parts = config.topic.split('/');
  if (parts.some((p) => p === '' || p.includes('+') || p.includes('#'))) {
    throw HubErrors.create('invalid_config', `generic topic '${config.topic}' must have non-empty levels and no wildcards`, { topic: config.topic });
  }
  if (config.topic.startsWith('$') || config.topic.startsWith('devices/')) {
    throw HubErrors.create('invalid_config', `generic topic '${config.topic}' may not use the reserved $… or devices/… namespaces`, { topic: config.topic });
  }
  const names = parts.map((p) => VAR.exec(p)?.[1]);
  const template = config.deviceId ?? '{deviceId}';
  const used = [...template.matchAll(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => m[1] as string);
  for (const u of used) {
    if (!names.includes(u)) throw HubErrors.create('invalid_config', `device id template '${template}' uses {${u}}, which topic '${config.topic}' does not capture`, { topic: config.topic });
  }
  if (used.length === 0) throw HubErrors.create('invalid_config', `device id template '${template}' captures nothing from the topic`, { topic: config.topic });
  const filter = parts.map((p, i) => (names[i] ? '+' : p)).join('/');
  return {
    config,
    filter,
    match(topic) {
      const levels = topic.split('/');
      if (levels.length !== parts.length) return undefined;
      const vars: Record<string, string> = {};
      for (let i = 0; i < parts.length; i++) {
        const name = names[i];
        if (name) vars[name] = levels[i] as string;
        else if (levels[i] !== parts[i]) return undefined;
      }
      return { deviceId: template.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, n: string) => vars[n] ?? ''), vars };
    },
  };
}

export function matchGenericTopic(topics: readonly GenericTopic[], topic: string): { deviceId: string; topic: GenericTopic } | undefined {
  for (const t of topics) {
    const m = t.match(topic);
    if (m) return { deviceId: m.deviceId, topic: t };
  }
  return undefined;
}
