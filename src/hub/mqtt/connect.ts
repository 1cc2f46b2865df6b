/**
 * What an MQTT CONNECT says about the client: the user name shape decides the dialect
 * (IoT Hub device, DPS registration, or a generic client), the connection tells which address and
 * TLS server name the client dialled (for SAS host aliases) and which certificate it presented.
 */
import type { TLSSocket } from 'node:tls';
import type { Client } from 'aedes';
import type { PeerCertificate } from '../identity/authenticate.js';

export type ParsedUsername =
  | { readonly kind: 'iothub'; readonly host: string; readonly deviceId: string; readonly moduleId?: string; readonly modelId?: string }
  | { readonly kind: 'dps'; readonly idScope: string; readonly registrationId: string }
  | { readonly kind: 'generic' };

/**
 * IoT Hub: `{host}/{deviceId}/?api-version=…[&model-id=…]` (older SDKs omit the '?'), modules
 * `{host}/{deviceId}/{moduleId}/?api-version=…`. DPS: `{idScope}/registrations/{registrationId}/api-version=…`.
 */
export function parseUsername(username: string | undefined): ParsedUsername {
  if (!username) return { kind: 'generic' };
  const q = username.search(/\/\??api-version=/);
  if (q < 0) return { kind: 'generic' };
  const path = username.slice(0, q).split('/');
  const query = new URLSearchParams(username.slice(q + 1).replace(/^\?/, ''));
  if (path.length === 3 && path[1] === 'registrations' && path[0] && path[2]) return { kind: 'dps', idScope: path[0], registrationId: path[2] };
  const modelId = query.get('model-id') ?? query.get('digital-twin-model-id') ?? undefined;
  if (path.length === 2 && path[0] && path[1]) return { kind: 'iothub', host: path[0], deviceId: path[1], ...(modelId ? { modelId } : {}) };
  if (path.length === 3 && path[0] && path[1] && path[2]) return { kind: 'iothub', host: path[0], deviceId: path[1], moduleId: path[2] };
  return { kind: 'generic' };
}

export interface ConnectionFacts {
  readonly localAddress?: string;
  readonly localPort?: number;
  readonly servername?: string;
  readonly certificate?: PeerCertificate;
  readonly remoteAddress?: string;
}

export function connectionFacts(client: Client): ConnectionFacts {
  const conn = client.conn as unknown as Partial<TLSSocket> & { localAddress?: string; localPort?: number };
  const req = (client as unknown as { req?: { socket?: Partial<TLSSocket> } }).req;
  const socket: Partial<TLSSocket> = conn.localAddress !== undefined ? conn : (req?.socket ?? conn);
  const facts: { -readonly [K in keyof ConnectionFacts]: ConnectionFacts[K] } = {};
  if (socket.localAddress) facts.localAddress = socket.localAddress;
  if (socket.localPort) facts.localPort = socket.localPort;
  if (socket.remoteAddress) facts.remoteAddress = socket.remoteAddress;
  if (typeof socket.servername === 'string') facts.servername = socket.servername;
  if (typeof socket.getPeerCertificate === 'function') {
    const c = socket.getPeerCertificate(false);
    if (c && c.raw && c.raw.length > 0) {
      const cn = Array.isArray(c.subject?.CN) ? c.subject.CN[0] : c.subject?.CN;
      facts.certificate = { raw: c.raw, ...(cn ? { subjectCn: cn } : {}), chainVerified: socket.authorized === true };
    }
  }
  return facts;
}
