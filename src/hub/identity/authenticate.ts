/**
 * Device authentication, shared by MQTT CONNECT and HTTP requests:
 * - SAS token over `{host}/devices/{deviceId}` signed with the device's primary or secondary key
 *   (or with a shared access policy that has DeviceConnect, as IoT Hub allows);
 * - the device key itself as the password (plain MQTT clients that cannot compute tokens);
 * - X.509: a client certificate whose thumbprint is registered (selfSigned) or that chains to a
 *   configured CA and names the device in its subject CN (certificateAuthority).
 * Every refusal carries a reason, which becomes a metric label and a log field.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { DeviceRegistry } from '../registry/registry.js';
import type { DeviceRecord } from '../registry/device.js';
import type { PolicyStore } from './policies.js';
import { checkSasToken, parseSasToken } from './sas.js';
import { splitDeviceResource } from './hosts.js';
import { HubErrors } from '../errors.js';
import type { AuthMethod } from '../mqtt/sessions.js';

export interface PeerCertificate {
  /** DER bytes of the leaf certificate. */
  readonly raw: Buffer;
  readonly subjectCn?: string;
  /** True when TLS verified the chain against the configured CAs. */
  readonly chainVerified: boolean;
}

export interface DeviceCredentials {
  readonly deviceId: string;
  /** SAS token or device key. */
  readonly secret?: string | undefined;
  readonly certificate?: PeerCertificate | undefined;
  /** Host names the token's resource may use (hostAliases). */
  readonly hosts: ReadonlySet<string>;
}

export type DeviceAuthResult = { ok: true; device: DeviceRecord; method: AuthMethod } | { ok: false; reason: string; message: string };

export function thumbprints(der: Buffer): { sha1: string; sha256: string } {
  return { sha1: createHash('sha1').update(der).digest('hex').toUpperCase(), sha256: createHash('sha256').update(der).digest('hex').toUpperCase() };
}

function sameSecret(a: string, b: string | undefined): boolean {
  if (!b) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class DeviceAuthenticator {
  constructor(
    private readonly registry: DeviceRegistry,
    private readonly policies: PolicyStore | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  async authenticate(c: DeviceCredentials): Promise<DeviceAuthResult> {
    const device = await this.registry.find(c.deviceId);
    if (!device) return { ok: false, reason: 'unknown_device', message: `no device '${c.deviceId}' in the registry` };
    if (device.status !== 'enabled') return { ok: false, reason: 'device_disabled', message: `device '${c.deviceId}' is disabled` };
    if (c.secret) return this.bySecret(device, c);
    if (c.certificate) return this.byCertificate(device, c.certificate);
    return { ok: false, reason: 'no_credentials', message: 'neither a password nor a client certificate was presented' };
  }

  private bySecret(device: DeviceRecord, c: DeviceCredentials): DeviceAuthResult {
    const secret = c.secret as string;
    if (!secret.startsWith('SharedAccessSignature ')) {
      const k = device.authentication.symmetricKey;
      if (device.authentication.type === 'sas' && k && (sameSecret(secret, k.primaryKey) || sameSecret(secret, k.secondaryKey))) return { ok: true, device, method: 'key' };
      return { ok: false, reason: 'bad_credentials', message: 'the password is neither a SAS token nor a key of this device' };
    }
    let token;
    try {
      token = parseSasToken(secret);
    } catch (err) {
      return { ok: false, reason: 'malformed_token', message: (err as Error).message };
    }
    const matches = (resource: string) => {
      const r = splitDeviceResource(resource);
      if (r) return !r.moduleId && r.deviceId === device.deviceId && c.hosts.has(r.host.toLowerCase());
      // A policy token may name just the hub (IoT Hub: sr = "{host}" grants every device).
      return token.keyName !== undefined && c.hosts.has(resource.toLowerCase().replace(/\/$/, ''));
    };
    let keys: Array<string | undefined>;
    if (token.keyName) {
      const policy = this.policies?.list().find((p) => p.keyName === token.keyName);
      if (!policy || !policy.rights.includes('DeviceConnect')) return { ok: false, reason: 'bad_credentials', message: `policy '${token.keyName}' does not exist or lacks DeviceConnect` };
      keys = [policy.primaryKey, policy.secondaryKey];
    } else {
      if (device.authentication.type !== 'sas') return { ok: false, reason: 'wrong_auth_type', message: `device '${device.deviceId}' authenticates with ${device.authentication.type}, not SAS` };
      keys = [device.authentication.symmetricKey?.primaryKey, device.authentication.symmetricKey?.secondaryKey];
    }
    const check = checkSasToken(token, keys, matches, this.now());
    if (!check.ok) return { ok: false, reason: check.reason === 'bad_signature' ? 'bad_credentials' : check.reason, message: check.message };
    return { ok: true, device, method: 'sas' };
  }

  private byCertificate(device: DeviceRecord, cert: PeerCertificate): DeviceAuthResult {
    const a = device.authentication;
    if (a.type === 'selfSigned') {
      const t = thumbprints(cert.raw);
      const registered = [a.x509Thumbprint?.primaryThumbprint, a.x509Thumbprint?.secondaryThumbprint].filter((x): x is string => !!x);
      if (registered.some((r) => r === t.sha1 || r === t.sha256)) return { ok: true, device, method: 'x509' };
      return { ok: false, reason: 'bad_certificate', message: `certificate thumbprint ${t.sha1} is not registered for '${device.deviceId}'` };
    }
    if (a.type === 'certificateAuthority') {
      if (!cert.chainVerified) return { ok: false, reason: 'bad_certificate', message: 'the client certificate does not chain to a configured CA' };
      if (cert.subjectCn !== device.deviceId) return { ok: false, reason: 'bad_certificate', message: `certificate subject CN '${cert.subjectCn ?? ''}' is not the device id` };
      return { ok: true, device, method: 'x509' };
    }
    return { ok: false, reason: 'wrong_auth_type', message: `device '${device.deviceId}' does not authenticate with certificates` };
  }
}

/** Throws the hub error for a refusal (HTTP paths). */
export function refusalError(r: Extract<DeviceAuthResult, { ok: false }>): Error {
  if (r.reason === 'device_disabled') return HubErrors.create('device_disabled', r.message, { reason: r.reason });
  return HubErrors.create('unauthorized', r.message, { reason: r.reason });
}
