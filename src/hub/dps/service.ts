/**
 * The Device Provisioning Service on the hub's own MQTT listener ("DPS device protocol over MQTT"):
 *   CONNECT  user name `{idScope}/registrations/{registrationId}/api-version=…`, SAS over
 *            `{idScope}/registrations/{registrationId}` (or an X.509 client certificate)
 *   PUBLISH  `$dps/registrations/PUT/iotdps-register/?$rid={rid}`  → 202 `{ operationId, status: "assigning" }`
 *   PUBLISH  `$dps/registrations/GET/iotdps-get-operationstatus/?$rid={rid}&operationId={id}`
 *            → 202 while assigning, then 200 `{ status: "assigned", registrationState: { assignedHub, deviceId, … } }`
 * Provisioning creates (or updates) the device in the registry with the enrollment's key (a
 * group's devices get their derived key), its initial twin on first assignment, and the link to
 * its twin in the graph. `assignedHub` is the host the device dialled, so it connects back to the
 * same platform under the same name.
 */
import { randomUUID, X509Certificate } from 'node:crypto';
import type { JsonObject } from '../../bus/index.js';
import type { Logger } from '../../observability/index.js';
import { HubErrors } from '../errors.js';
import type { DpsFront } from '../mqtt/front.js';
import type { DpsSession } from '../mqtt/sessions.js';
import { dpsTopics, parseDpsRequest } from '../mqtt/topics.js';
import { connectionFacts } from '../mqtt/connect.js';
import { checkSasToken, deriveDeviceKey, parseSasToken, type SasToken } from '../identity/sas.js';
import { thumbprints, type PeerCertificate } from '../identity/authenticate.js';
import type { DeviceRegistry } from '../registry/registry.js';
import type { DeviceInput } from '../registry/device.js';
import type { TwinUpdater } from '../twins/port.js';
import type { HubMetrics } from '../metrics.js';
import type { EnrollmentGroup, EnrollmentStore, IndividualEnrollment, RegistrationState } from './enrollments.js';

interface Operation {
  readonly registrationId: string;
  state: 'assigning' | 'assigned' | 'failed';
  result?: RegistrationState;
  error?: string;
  readonly at: number;
}

type Matched = { kind: 'individual'; enrollment: IndividualEnrollment } | { kind: 'group'; enrollment: EnrollmentGroup };

export interface DpsDeps {
  readonly idScope: string;
  readonly enrollments: EnrollmentStore;
  readonly registry: DeviceRegistry;
  readonly twins?: TwinUpdater | undefined;
  readonly logger: Logger;
  readonly metrics: HubMetrics;
  readonly now?: () => number;
}

export class DpsService implements DpsFront {
  readonly idScope: string;
  private readonly operations = new Map<string, Operation>();
  /** What each live DPS connection authenticated with (for the device identity it creates). */
  private readonly credentials = new WeakMap<object, { secret?: string; certificate?: PeerCertificate }>();

  constructor(private readonly deps: DpsDeps) {
    this.idScope = deps.idScope;
  }

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  /** Finds the enrollment whose attestation the credentials satisfy. */
  private async match(registrationId: string, secret: string | undefined, cert: PeerCertificate | undefined): Promise<Matched | { reason: string; message: string }> {
    const resource = `${this.idScope}/registrations/${registrationId}`.toLowerCase();
    let token: SasToken | undefined;
    if (secret) {
      try {
        token = parseSasToken(secret);
      } catch (err) {
        return { reason: 'malformed_token', message: (err as Error).message };
      }
    }
    const sasOk = (keys: string[]) => {
      if (!token) return undefined;
      const r = checkSasToken(token, keys, (res) => res.toLowerCase() === resource, this.now());
      return r;
    };
    const individual = await this.deps.enrollments.individual(registrationId);
    if (individual && individual.provisioningStatus === 'enabled') {
      const a = individual.attestation;
      if (a.type === 'symmetricKey') {
        const r = sasOk([a.symmetricKey.primaryKey, a.symmetricKey.secondaryKey]);
        if (r?.ok) return { kind: 'individual', enrollment: individual };
        if (r && r.reason !== 'bad_signature') return { reason: r.reason, message: r.message };
      } else if (cert) {
        const t = thumbprints(cert.raw);
        if ((a.x509.thumbprints ?? []).some((x) => x === t.sha1 || x === t.sha256)) return { kind: 'individual', enrollment: individual };
      }
    }
    for (const group of await this.deps.enrollments.listGroups()) {
      if (group.provisioningStatus !== 'enabled') continue;
      const a = group.attestation;
      if (a.type === 'symmetricKey') {
        const r = sasOk([deriveDeviceKey(a.symmetricKey.primaryKey, registrationId), deriveDeviceKey(a.symmetricKey.secondaryKey, registrationId)]);
        if (r?.ok) return { kind: 'group', enrollment: group };
        if (r && r.reason !== 'bad_signature') return { reason: r.reason, message: r.message };
      } else if (cert && signedByGroup(cert, a.x509.signingCertificates ?? [], registrationId, this.now())) {
        return { kind: 'group', enrollment: group };
      }
    }
    if (individual?.provisioningStatus === 'disabled') return { reason: 'enrollment_disabled', message: `enrollment '${registrationId}' is disabled` };
    return { reason: 'not_enrolled', message: `no enabled enrollment accepts registration '${registrationId}' with these credentials` };
  }

  async authenticate(registrationId: string, secret: string | undefined, certificate: PeerCertificate | undefined) {
    if (!secret && !certificate) return { ok: false as const, reason: 'no_credentials', message: 'neither a SAS token nor a client certificate was presented' };
    const m = await this.match(registrationId, secret, certificate);
    if ('reason' in m) return { ok: false as const, reason: m.reason, message: m.message };
    const id = m.kind === 'individual' ? m.enrollment.registrationId : m.enrollment.enrollmentGroupId;
    return { ok: true as const, enrollment: { kind: m.kind, id }, credentials: { ...(secret ? { secret } : {}), ...(certificate ? { certificate } : {}) } };
  }

  /** Called by the front door once the session exists. */
  remember(session: DpsSession, credentials: { secret?: string; certificate?: PeerCertificate }): void {
    this.credentials.set(session, credentials);
  }

  request(session: DpsSession, topic: string, body: Buffer): void {
    const req = parseDpsRequest(topic);
    const reply = (status: number, rid: string, payload: unknown, retryAfter?: number) =>
      void session.outbound.send(dpsTopics.response(status, rid, retryAfter), JSON.stringify(payload), 0).catch(() => undefined);
    if (!req) return reply(400, '', { errorCode: 400001, message: `unknown DPS topic '${topic}'` });
    switch (req.kind) {
      case 'register': {
        let payload: { registrationId?: string; payload?: unknown };
        try {
          payload = JSON.parse(body.toString('utf8') || '{}') as typeof payload;
        } catch {
          return reply(400, req.rid, { errorCode: 400004, message: 'the registration body is not JSON' });
        }
        if (payload.registrationId !== undefined && payload.registrationId !== session.registrationId) {
          return reply(400, req.rid, { errorCode: 400004, message: 'registrationId differs from the connection' });
        }
        this.expire();
        const operationId = `4.${randomUUID()}`;
        const op: Operation = { registrationId: session.registrationId, state: 'assigning', at: this.now() };
        this.operations.set(operationId, op);
        this.provision(session, payload.payload).then(
          (state) => {
            op.state = 'assigned';
            op.result = state;
          },
          (err: unknown) => {
            op.state = 'failed';
            op.error = (err as Error).message;
            this.deps.metrics.refuse('connect', 'provisioning_failed');
            this.deps.logger.warn({ registrationId: session.registrationId, err: op.error }, 'provisioning failed');
          },
        );
        return reply(202, req.rid, { operationId, status: 'assigning' }, 1);
      }
      case 'status': {
        const op = this.operations.get(req.operationId);
        if (!op || op.registrationId !== session.registrationId) return reply(404, req.rid, { errorCode: 404201, message: `no operation '${req.operationId}'` });
        if (op.state === 'assigning') return reply(202, req.rid, { operationId: req.operationId, status: 'assigning' }, 1);
        if (op.state === 'failed') {
          return reply(200, req.rid, { operationId: req.operationId, status: 'failed', registrationState: { registrationId: op.registrationId, status: 'failed', errorMessage: op.error } });
        }
        const s = op.result!;
        return reply(200, req.rid, {
          operationId: req.operationId,
          status: 'assigned',
          registrationState: {
            registrationId: s.registrationId,
            createdDateTimeUtc: s.createdDateTimeUtc,
            assignedHub: s.assignedHub,
            deviceId: s.deviceId,
            status: 'assigned',
            substatus: s.substatus,
            lastUpdatedDateTimeUtc: s.lastUpdatedDateTimeUtc,
            etag: Buffer.from(s.lastUpdatedDateTimeUtc).toString('base64'),
          },
        });
      }
      default: {
        const never: never = req;
        throw new Error(`unhandled DPS request ${JSON.stringify(never)}`);
      }
    }
  }

  private expire(): void {
    const cutoff = this.now() - 10 * 60_000;
    for (const [id, op] of this.operations) if (op.at < cutoff) this.operations.delete(id);
  }

  private async provision(session: DpsSession, devicePayload: unknown): Promise<RegistrationState> {
    const { registrationId } = session;
    const creds = this.credentials.get(session) ?? {};
    const m = await this.match(registrationId, creds.secret, creds.certificate);
    if ('reason' in m) throw HubErrors.create('registration_failed', m.message, { registrationId });
    const e = m.enrollment;
    const deviceId = m.kind === 'individual' ? (m.enrollment.deviceId ?? registrationId) : registrationId;
    let authentication: DeviceInput['authentication'];
    if (e.attestation.type === 'symmetricKey') {
      const k = e.attestation.symmetricKey;
      authentication =
        m.kind === 'individual'
          ? { type: 'sas', symmetricKey: { primaryKey: k.primaryKey, secondaryKey: k.secondaryKey } }
          : { type: 'sas', symmetricKey: { primaryKey: deriveDeviceKey(k.primaryKey, registrationId), secondaryKey: deriveDeviceKey(k.secondaryKey, registrationId) } };
    } else {
      authentication = { type: 'selfSigned', x509Thumbprint: { primaryThumbprint: thumbprints(creds.certificate!.raw).sha1, secondaryThumbprint: null } };
    }
    const requestedModel = typeof (devicePayload as { modelId?: unknown } | undefined)?.modelId === 'string' ? (devicePayload as { modelId: string }).modelId : undefined;
    const modelId = e.modelId ?? requestedModel;
    const twinId = (e.twinId ?? '{deviceId}').replaceAll('{registrationId}', registrationId).replaceAll('{deviceId}', deviceId);

    const existing = await this.deps.registry.read(deviceId);
    const input: DeviceInput & { tags?: JsonObject; desired?: JsonObject } = {
      deviceId,
      authentication,
      twinId,
      ...(modelId ? { modelId } : {}),
      // The enrollment's initial twin applies on first assignment; a re-provisioned device keeps its twin.
      ...(existing ? {} : { tags: e.initialTwin.tags, desired: e.initialTwin.desired }),
    };
    if (existing) await this.deps.registry.replace(input, '*');
    else await this.deps.registry.createOrUpdateFromEnrollment(input);

    const twins = this.deps.twins;
    if (twins && modelId && twins.createTwin && !(await twins.twinExists(twinId))) await twins.createTwin(twinId, modelId, {});

    const facts = connectionFacts(session.client);
    const host = facts.servername || (facts.localAddress?.startsWith('::ffff:') ? facts.localAddress.slice(7) : facts.localAddress) || 'localhost';
    const assignedHub = facts.localPort && facts.localPort !== 8883 ? `${host}:${facts.localPort}` : host;
    const now = new Date(this.now()).toISOString();
    const previous = await this.deps.enrollments.registration(registrationId);
    const state: RegistrationState = {
      registrationId,
      deviceId,
      assignedHub,
      status: 'assigned',
      substatus: previous ? 'reprovisionedToInitialAssignment' : 'initialAssignment',
      createdDateTimeUtc: previous?.createdDateTimeUtc ?? now,
      lastUpdatedDateTimeUtc: now,
      enrollment: session.enrollment,
    };
    await this.deps.enrollments.saveRegistration(state);
    this.deps.logger.info({ registrationId, deviceId, twinId, enrollment: session.enrollment }, 'device provisioned');
    return state;
  }
}

/** A device certificate issued directly by one of the group's CA certificates, valid now, with CN = registration id. */
function signedByGroup(cert: PeerCertificate, cas: readonly string[], registrationId: string, nowMs: number): boolean {
  if (cert.subjectCn !== registrationId) return false;
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(cert.raw);
  } catch {
    return false;
  }
  if (Date.parse(leaf.validFrom) > nowMs || Date.parse(leaf.validTo) < nowMs) return false;
  return cas.some((pem) => {
    try {
      const ca = new X509Certificate(pem);
      return leaf.checkIssued(ca) && leaf.verify(ca.publicKey);
    } catch {
      return false;
    }
  });
}
