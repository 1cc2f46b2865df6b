/**
 * The hub's own configuration: generic topics, routes, enrichments, webhooks, bindings, limits and
 * provisioning scope. It is structured (lists of routes and bindings), so it lives in its own YAML or
 * JSON file (`--hub-config FILE`) rather than in the flat platform settings. Every field has a
 * default; an empty file gives IoT Hub's behaviour (every message to the fallback route: the store and
 * the twin bindings).
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { HubErrors } from './errors.js';

const unit = z.object({ from: z.string(), to: z.string() });
const mapping = z.object({ from: z.string().min(1), to: z.string().min(1), unit: unit.optional(), scale: z.number().optional(), offset: z.number().optional() });

export const HubConfigSchema = z
  .object({
    /** Extra host names accepted in SAS tokens, besides the platform's public host and the dialled address. */
    hostNames: z.array(z.string().min(1)).default([]),
    /** DPS ID scope devices present in their provisioning user name. */
    idScope: z.string().regex(/^[A-Za-z0-9]{1,32}$/).default('0ne00000000'),
    rateLimit: z.object({ ratePerSecond: z.number().positive().default(200), burst: z.number().min(1).default(400), maxDelayMs: z.number().min(0).default(2000) }).prefault({}),
    commit: z
      .object({ maxBatch: z.number().int().min(1).default(5000), maxPending: z.number().int().min(1).default(20_000), concurrency: z.number().int().min(1).max(8).default(2), maxWaitMs: z.number().int().min(100).default(30_000), minIntervalMs: z.number().int().min(0).max(1000).default(20) })
      .prefault({}),
    /**
     * The write-ahead log (src/hub/wal), used when the platform gives the hub a directory for it: the
     * PUBACK follows an fsync of the log, the store gets the messages in the background. `enabled`
     * false turns it off; unset lets the platform decide (on with the embedded DuckDB store).
     */
    wal: z
      .object({ enabled: z.boolean().optional(), maxLagMessages: z.number().int().min(1000).default(20_000), segmentMb: z.number().int().min(1).max(1024).default(16) })
      .prefault({}),
    c2d: z.object({ maxQueuePerDevice: z.number().int().min(1).max(1000).default(50), ttlSeconds: z.number().int().min(1).default(3600), maxDeliveryCount: z.number().int().min(1).default(10) }).prefault({}),
    /** Generic MQTT topics mapped to devices. */
    topics: z.array(z.object({ topic: z.string().min(1), deviceId: z.string().optional(), contentType: z.enum(['application/json', 'application/octet-stream']).optional() })).default([]),
    routes: z
      .array(z.object({ name: z.string().min(1), condition: z.string().default('true'), endpoints: z.array(z.string()).min(1), enabled: z.boolean().default(true) }))
      .default([]),
    // IoT Hub sends unrouted messages to its built-in events endpoint; here the store and the twins.
    // The batched `events` bus endpoint is opt-in: at device rates it doubles the CPU per message.
    fallback: z.object({ enabled: z.boolean().default(true), endpoints: z.array(z.string()).default(['store', 'twins']) }).prefault({}),
    enrichments: z.array(z.object({ key: z.string().min(1), value: z.string(), endpoints: z.array(z.string()).optional() })).default([]),
    webhooks: z
      .record(z.string(), z.object({ url: z.string().url(), headers: z.record(z.string(), z.string()).default({}), timeoutMs: z.number().int().min(100).default(5000), maxQueue: z.number().int().min(1).default(10_000), retries: z.number().int().min(0).default(3) }))
      .default({}),
    bindings: z
      .array(
        z.object({
          devices: z.string().optional(),
          modelId: z.string().optional(),
          twin: z.string().optional(),
          properties: z.union([z.literal('*'), z.array(mapping)]).optional(),
          telemetry: z.array(z.union([z.string(), z.object({ from: z.string(), name: z.string() })])).optional(),
        }),
      )
      .default([]),
    x509: z.object({ caCertificates: z.array(z.string()).default([]) }).prefault({}),
    /** Consume from an external broker instead of (or besides) the embedded one. */
    externalBroker: z
      .object({
        url: z.string().regex(/^(mqtts?|wss?):\/\//),
        group: z.string().regex(/^[A-Za-z0-9_-]+$/).default('twinworks'),
        username: z.string().optional(),
        password: z.string().optional(),
        clientId: z.string().optional(),
        /** Use `$share/{group}/…` subscriptions so several platform replicas split the stream. */
        shared: z.boolean().default(true),
      })
      .optional(),
  })
  .strict();

export type HubConfig = z.output<typeof HubConfigSchema>;
export type HubConfigInput = z.input<typeof HubConfigSchema>;

export function parseHubConfig(input: unknown, source = 'hub configuration'): HubConfig {
  const r = HubConfigSchema.safeParse(input ?? {});
  if (!r.success) {
    const first = r.error.issues[0];
    const path = first?.path.join('.') || '(root)';
    throw HubErrors.create('invalid_config', `${source}: ${path}: ${first?.message ?? 'invalid'}`, { source, path, issues: r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) });
  }
  return r.data;
}

/** Reads a YAML or JSON hub configuration file. */
export function loadHubConfig(file: string): HubConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw HubErrors.create('invalid_config', `cannot read ${file}: ${(err as Error).message}`, { file });
  }
  let data: unknown;
  try {
    data = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw HubErrors.create('invalid_config', `${file} does not parse: ${(err as Error).message}`, { file });
  }
  return parseHubConfig(data, file);
}
