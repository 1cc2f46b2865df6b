/**
 * How the bus maps onto JetStream: one stream capturing `<prefix>.>`, one subject per event
 *
 *   <prefix>.<key token>.<event name>        e.g. twinworks.pump-7.twin.updated
 *
 * The key token comes first so that every (pattern, key filter) pair is one valid filter subject:
 * `twin.>` with key k is `<prefix>.k.twin.>`, without a key `<prefix>.*.twin.>` (`>` must be the last
 * token, NATS docs "Subjects: Wildcards"). The key token is always present (`-` = no key).
 */
import { DiscardPolicy, nanos, RetentionPolicy, StorageType, type JetStreamManager, type NatsError, type StreamConfig } from 'nats';
import { BusErrors } from '../errors.js';
import { encodeKeyToken } from '../key.js';
import { patternSubject, type NamePattern } from '../pattern.js';

export interface StreamLimits {
  /** Default 1 000 000 events. */
  readonly maxMessages?: number;
  /** Default 1 GiB. */
  readonly maxBytes?: number;
  /** Default 7 days. */
  readonly maxAgeMs?: number;
  /** Replicas in a JetStream cluster; default 1. */
  readonly replicas?: number;
}

export const STREAM_DEFAULTS = { maxMessages: 1_000_000, maxBytes: 1024 ** 3, maxAgeMs: 7 * 24 * 3600 * 1000, replicas: 1 } as const;
/** Publishes retried with the same Nats-Msg-Id within this window are stored once (JetStream de-duplication). */
export const DUPLICATE_WINDOW_MS = 120_000;

const STREAM_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const PREFIX = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

export function checkStreamOptions(stream: string, prefix: string): void {
  if (!STREAM_NAME.test(stream)) throw BusErrors.create('invalid_options', `stream name ${JSON.stringify(stream)} must be 1–64 letters, digits, '_' or '-'`, { option: 'stream', value: stream });
  if (!PREFIX.test(prefix)) throw BusErrors.create('invalid_options', `subject prefix ${JSON.stringify(prefix)} must be dot-separated tokens of letters, digits, '_' or '-'`, { option: 'subjectPrefix', value: prefix });
}

export function eventSubject(prefix: string, name: string, key: string | undefined): string {
  return `${prefix}.${encodeKeyToken(key)}.${name}`;
}

export function filterSubject(prefix: string, pattern: NamePattern, key: string | undefined): string {
  return `${prefix}.${key === undefined ? '*' : encodeKeyToken(key)}.${patternSubject(pattern)}`;
}

/** Creates the stream, or adds our subjects to an existing one (several prefixes may share a stream). */
export async function ensureStream(jsm: JetStreamManager, stream: string, prefix: string, limits: StreamLimits): Promise<void> {
  const subject = `${prefix}.>`;
  try {
    const info = await jsm.streams.info(stream);
    const subjects = info.config.subjects ?? [];
    if (!subjects.includes(subject)) await jsm.streams.update(stream, { ...info.config, subjects: [...subjects, subject] });
    return;
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  const config: Partial<StreamConfig> & { name: string } = {
    name: stream,
    subjects: [subject],
    // File storage: what the stream acknowledged must survive a broker restart.
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    max_msgs: limits.maxMessages ?? STREAM_DEFAULTS.maxMessages,
    max_bytes: limits.maxBytes ?? STREAM_DEFAULTS.maxBytes,
    max_age: nanos(limits.maxAgeMs ?? STREAM_DEFAULTS.maxAgeMs),
    num_replicas: limits.replicas ?? STREAM_DEFAULTS.replicas,
    duplicate_window: nanos(DUPLICATE_WINDOW_MS),
  };
  try {
    await jsm.streams.add(config);
  } catch (err) {
    // Another instance created it between our info and add: fine if it now exists.
    await jsm.streams.info(stream).catch(() => {
      throw err;
    });
  }
}

/** JetStream API "not found" (stream 10059, consumer 10014), as the client reports it. */
export function isNotFound(err: unknown): boolean {
  const e = err as Partial<NatsError> | undefined;
  return e?.api_error?.code === 404 || e?.code === '404' || /not found/i.test(e?.message ?? '');
}
