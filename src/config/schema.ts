import { z } from 'zod';

/**
 * Every setting of `twinworks start`, with its flag, environment variable and file key.
 * One table drives parsing, validation, `--help` and the docs so they cannot drift apart.
 */
const port = z.coerce.number().int().min(0).max(65535);
/** A listener that can be turned off: a port number (0 = any free port) or 'off'. */
const optionalPort = z.union([z.literal('off'), port]);
const bool = z.union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off']).transform((s) => ['true', '1', 'yes', 'on'].includes(s))]);

export const SETTINGS = {
  data: { flag: 'data', env: 'TWINWORKS_DATA', schema: z.string().min(1), default: './data', help: 'data directory (store, certificates, secrets)', allowed: 'a directory path' },
  host: { flag: 'host', env: 'TWINWORKS_HOST', schema: z.string().min(1), default: '0.0.0.0', help: 'address to listen on', allowed: 'an IP address or host name' },
  publicHost: { flag: 'public-host', env: 'TWINWORKS_PUBLIC_HOST', schema: z.string().min(1).optional(), default: undefined, help: 'host name devices and clients use (default: this machine\'s host name)', allowed: 'a host name' },
  httpPort: { flag: 'http-port', env: 'TWINWORKS_HTTP_PORT', schema: port, default: 8080, help: 'HTTP port (0 = any free port)', allowed: 'an integer from 0 to 65535' },
  httpsPort: { flag: 'https-port', env: 'TWINWORKS_HTTPS_PORT', schema: port, default: 8443, help: 'HTTPS port', allowed: 'an integer from 0 to 65535' },
  mqttPort: { flag: 'mqtt-port', env: 'TWINWORKS_MQTT_PORT', schema: port, default: 1883, help: 'MQTT port', allowed: 'an integer from 0 to 65535' },
  mqttsPort: { flag: 'mqtts-port', env: 'TWINWORKS_MQTTS_PORT', schema: port, default: 8883, help: 'MQTT over TLS port', allowed: 'an integer from 0 to 65535' },
  mqttWsPort: { flag: 'mqtt-ws-port', env: 'TWINWORKS_MQTT_WS_PORT', schema: optionalPort, default: 8083, help: "MQTT over WebSocket port ('off' to disable)", allowed: "an integer from 0 to 65535 or 'off'" },
  mqttWssPort: { flag: 'mqtt-wss-port', env: 'TWINWORKS_MQTT_WSS_PORT', schema: optionalPort, default: 8084, help: "MQTT over secure WebSocket port ('off' to disable)", allowed: "an integer from 0 to 65535 or 'off'" },
  mqttUrl: {
    flag: 'mqtt-url',
    env: 'TWINWORKS_MQTT_URL',
    schema: z.string().regex(/^(mqtts?|wss?):\/\/.+/).optional(),
    default: undefined,
    help: 'also consume device traffic from an external broker (Mosquitto, EMQX) with shared subscriptions',
    allowed: 'mqtt://, mqtts://, ws:// or wss:// URL',
  },
  hubConfig: { flag: 'hub-config', env: 'TWINWORKS_HUB_CONFIG', schema: z.string().min(1).optional(), default: undefined, help: 'device hub file (YAML/JSON): routes, bindings, generic topics, limits (docs/hub.md)', allowed: 'a file path' },
  shifts: { flag: 'shifts', env: 'TWINWORKS_SHIFTS', schema: z.string().min(1).optional(), default: undefined, help: "shift calendar file (YAML/JSON) for OEE; default the demo plant's calendar", allowed: 'a file path' },
  historyWarmDays: { flag: 'history-warm-days', env: 'TWINWORKS_HISTORY_WARM_DAYS', schema: z.coerce.number().int().min(1).max(3650), default: 30, help: 'days of history kept in the store before moving to Parquet files', allowed: 'an integer from 1 to 3650' },
  tlsCert: { flag: 'tls-cert', env: 'TWINWORKS_TLS_CERT', schema: z.string().min(1).optional(), default: undefined, help: 'PEM certificate (default: self-signed, generated into the data dir)', allowed: 'a file path' },
  tlsKey: { flag: 'tls-key', env: 'TWINWORKS_TLS_KEY', schema: z.string().min(1).optional(), default: undefined, help: 'PEM private key for --tls-cert', allowed: 'a file path' },
  database: {
    flag: 'database',
    env: 'TWINWORKS_DATABASE',
    schema: z.string().regex(/^(duckdb:.*|postgres(ql)?:\/\/.+)$/).optional(),
    default: undefined,
    help: 'store: postgres://… for PostgreSQL; default an embedded DuckDB file in the data dir',
    allowed: 'postgres://user@host:port/db or duckdb:FILE',
  },
  bus: {
    flag: 'bus',
    env: 'TWINWORKS_BUS',
    schema: z.string().regex(/^(inprocess|nats:\/\/.+)$/),
    default: 'inprocess',
    help: 'event bus: nats://host:4222 for NATS JetStream; default in-process',
    allowed: "'inprocess' or nats://host:port",
  },
  simulator: { flag: 'simulator', env: 'TWINWORKS_SIMULATOR', schema: bool, default: true, help: 'run the demo plant simulator (--no-simulator to turn off)', allowed: 'true or false' },
  demoHistoryDays: {
    flag: 'demo-history-days',
    env: 'TWINWORKS_DEMO_HISTORY_DAYS',
    schema: z.coerce.number().min(0).max(400),
    default: 7,
    help: 'days of history the demo simulator backfills before going live (first start; after a restart it fills the gap); 0 = none',
    allowed: 'a number from 0 to 400',
  },
  pdmBootstrap: {
    flag: 'pdm-bootstrap',
    env: 'TWINWORKS_PDM_BOOTSTRAP',
    schema: bool,
    default: true,
    help: 'with the demo and an empty model registry, train a first maintenance model from simulated history in a worker (about 3 CPU-minutes; --no-pdm-bootstrap to skip)',
    allowed: 'true or false',
  },
  demo: { flag: 'demo', env: 'TWINWORKS_DEMO', schema: bool, default: true, help: 'create the demo plant models and twins at start if missing (--no-demo for an empty graph)', allowed: 'true or false' },
  logLevel: {
    flag: 'log-level',
    env: 'TWINWORKS_LOG_LEVEL',
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    default: 'info',
    help: 'log level',
    allowed: 'fatal, error, warn, info, debug, trace or silent',
  },
} as const;

export type SettingKey = keyof typeof SETTINGS;

export type PlatformConfig = { -readonly [K in SettingKey]: z.output<(typeof SETTINGS)[K]['schema']> };

export type ConfigSource = 'default' | 'file' | 'env' | 'flag';

export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];
