/**
 * Device Provisioning Service enrollments ("DPS enrollments"): individual enrollments (one
 * registration id) and enrollment groups (many devices sharing an attestation). Attestation is a
 * symmetric key (a group's devices derive theirs: HMAC-SHA256(group key, registration id)) or X.509
 * (an individual enrollment's certificate thumbprint; a group's signing CA certificate). Stored in
 * the `devices` collection under `~dps/enrollment/…`, `~dps/group/…` and `~dps/registration/…`.
 */
import { X509Certificate } from 'node:crypto';
import type { JsonObject } from '../../bus/index.js';
import { StorageErrors, type StorageAdapter } from '../../storage/index.js';
import { HubErrors } from '../errors.js';
import { generateKey, isValidKey } from '../identity/sas.js';
import { checkTwinPatch } from '../registry/twin.js';
import { checkDeviceId } from '../registry/device.js';

export type Attestation =
  | { readonly type: 'symmetricKey'; readonly symmetricKey: { readonly primaryKey: string; readonly secondaryKey: string } }
  /** Individual: thumbprints (SHA-1 or SHA-256 hex) of the device certificate. Group: PEM CA certificates that sign device certificates. */
  | { readonly type: 'x509'; readonly x509: { readonly thumbprints?: readonly string[]; readonly signingCertificates?: readonly string[] } };

export interface EnrollmentBase {
  readonly attestation: Attestation;
  /** IoT Hub "initialTwin": tags and desired properties the device starts with. */
  readonly initialTwin: { readonly tags: JsonObject; readonly desired: JsonObject };
  readonly provisioningStatus: 'enabled' | 'disabled';
  /** Twin in the graph the device is linked to; `{registrationId}` / `{deviceId}` placeholders. Default: the device id. */
  readonly twinId?: string;
  /** DTDL model of that twin; with a twin updater that can create twins, a missing twin is created. */
  readonly modelId?: string;
  readonly createdDateTimeUtc: string;
  readonly lastUpdatedDateTimeUtc: string;
}

export interface IndividualEnrollment extends EnrollmentBase {
  readonly registrationId: string;
  /** The device id to create; default the registration id. */
  readonly deviceId?: string;
}

export interface EnrollmentGroup extends EnrollmentBase {
  readonly enrollmentGroupId: string;
}

export interface RegistrationState {
  readonly registrationId: string;
  readonly deviceId: string;
  readonly assignedHub: string;
  readonly status: 'assigned' | 'failed' | 'disabled';
  readonly substatus?: 'initialAssignment' | 'reprovisionedToInitialAssignment';
  readonly createdDateTimeUtc: string;
  readonly lastUpdatedDateTimeUtc: string;
  readonly enrollment: { readonly kind: 'individual' | 'group'; readonly id: string };
  readonly errorMessage?: string;
}

const ENROLLMENT = '~dps/enrollment/';
const GROUP = '~dps/group/';
const REGISTRATION = '~dps/registration/';

export interface EnrollmentInput {
  readonly attestation?: { type?: 'symmetricKey' | 'x509'; symmetricKey?: { primaryKey?: string; secondaryKey?: string }; x509?: { thumbprints?: string[]; signingCertificates?: string[] } };
  readonly initialTwin?: { tags?: JsonObject; properties?: { desired?: JsonObject } };
  readonly provisioningStatus?: 'enabled' | 'disabled';
  readonly deviceId?: string;
  readonly twinId?: string;
  readonly modelId?: string;
}

function attestationOf(input: EnrollmentInput['attestation'], group: boolean): Attestation {
  const type = input?.type ?? (input?.x509 ? 'x509' : 'symmetricKey');
  if (type === 'symmetricKey') {
    const primaryKey = input?.symmetricKey?.primaryKey || generateKey();
    const secondaryKey = input?.symmetricKey?.secondaryKey || generateKey();
    if (!isValidKey(primaryKey) || !isValidKey(secondaryKey)) throw HubErrors.create('invalid_enrollment', 'symmetric keys are base64 of 16 to 64 bytes', {});
    return { type, symmetricKey: { primaryKey, secondaryKey } };
  }
  if (type !== 'x509') throw HubErrors.create('invalid_enrollment', `attestation type must be symmetricKey or x509, not ${JSON.stringify(type)}`, {});
  if (group) {
    const certs = input?.x509?.signingCertificates ?? [];
    if (certs.length === 0) throw HubErrors.create('invalid_enrollment', 'an X.509 enrollment group needs signingCertificates (PEM)', {});
    for (const pem of certs) {
      try {
        new X509Certificate(pem);
      } catch {
        throw HubErrors.create('invalid_enrollment', 'a signing certificate is not PEM', {});
      }
    }
    return { type, x509: { signingCertificates: certs } };
  }
  const thumbprints = (input?.x509?.thumbprints ?? []).map((t) => t.replace(/:/g, '').toUpperCase());
  if (thumbprints.length === 0 || thumbprints.some((t) => !/^[0-9A-F]{40}$|^[0-9A-F]{64}$/.test(t))) {
    throw HubErrors.create('invalid_enrollment', 'an X.509 individual enrollment needs certificate thumbprints (40 or 64 hex digits)', {});
  }
  return { type, x509: { thumbprints } };
}

function base(input: EnrollmentInput, group: boolean, now: string, created?: string): EnrollmentBase {
  return {
    attestation: attestationOf(input.attestation, group),
    initialTwin: { tags: checkTwinPatch(input.initialTwin?.tags ?? {}, 'tags'), desired: checkTwinPatch(input.initialTwin?.properties?.desired ?? {}, 'desired') },
    provisioningStatus: input.provisioningStatus ?? 'enabled',
    ...(input.twinId ? { twinId: input.twinId } : {}),
    ...(input.modelId ? { modelId: input.modelId } : {}),
    createdDateTimeUtc: created ?? now,
    lastUpdatedDateTimeUtc: now,
  };
}

export class EnrollmentStore {
  constructor(private readonly store: StorageAdapter) {}

  async putIndividual(registrationId: string, input: EnrollmentInput): Promise<IndividualEnrollment> {
    checkDeviceId(registrationId);
    if (input.deviceId) checkDeviceId(input.deviceId);
    const prev = await this.store.get('devices', ENROLLMENT + registrationId);
    const now = new Date().toISOString();
    const e: IndividualEnrollment = { registrationId, ...(input.deviceId ? { deviceId: input.deviceId } : {}), ...base(input, false, now, (prev?.body as IndividualEnrollment | undefined)?.createdDateTimeUtc) };
    await this.store.write([{ op: 'put', collection: 'devices', id: ENROLLMENT + registrationId, body: e }]);
    return e;
  }

  async putGroup(groupId: string, input: EnrollmentInput): Promise<EnrollmentGroup> {
    if (!/^[A-Za-z0-9\-._]{1,128}$/.test(groupId)) throw HubErrors.create('invalid_enrollment', `enrollment group id '${groupId}' must be 1-128 letters, digits, - . _`, { groupId });
    const prev = await this.store.get('devices', GROUP + groupId);
    const now = new Date().toISOString();
    const g: EnrollmentGroup = { enrollmentGroupId: groupId, ...base(input, true, now, (prev?.body as EnrollmentGroup | undefined)?.createdDateTimeUtc) };
    await this.store.write([{ op: 'put', collection: 'devices', id: GROUP + groupId, body: g }]);
    return g;
  }

  async individual(registrationId: string): Promise<IndividualEnrollment | undefined> {
    return (await this.store.get('devices', ENROLLMENT + registrationId))?.body as IndividualEnrollment | undefined;
  }

  async group(groupId: string): Promise<EnrollmentGroup | undefined> {
    return (await this.store.get('devices', GROUP + groupId))?.body as EnrollmentGroup | undefined;
  }

  async listIndividual(): Promise<IndividualEnrollment[]> {
    return (await this.store.list('devices', { prefix: ENROLLMENT, limit: 100_000 })).map((d) => d.body as IndividualEnrollment);
  }

  async listGroups(): Promise<EnrollmentGroup[]> {
    return (await this.store.list('devices', { prefix: GROUP, limit: 10_000 })).map((d) => d.body as EnrollmentGroup);
  }

  async delete(kind: 'individual' | 'group', id: string): Promise<void> {
    const r = await this.store.write([{ op: 'delete', collection: 'devices', id: (kind === 'individual' ? ENROLLMENT : GROUP) + id }]);
    if (!r[0]?.deleted) throw HubErrors.create('enrollment_not_found', `no ${kind === 'individual' ? 'enrollment' : 'enrollment group'} '${id}'`, { id });
  }

  async registration(registrationId: string): Promise<RegistrationState | undefined> {
    return (await this.store.get('devices', REGISTRATION + registrationId))?.body as RegistrationState | undefined;
  }

  async saveRegistration(state: RegistrationState): Promise<void> {
    for (let i = 0; i < 3; i++) {
      try {
        await this.store.write([{ op: 'put', collection: 'devices', id: REGISTRATION + state.registrationId, body: state }]);
        return;
      } catch (err) {
        if (!StorageErrors.is(err, 'version_conflict')) throw err;
      }
    }
  }
}
