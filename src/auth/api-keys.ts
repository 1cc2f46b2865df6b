import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { StorageAdapter } from '../storage/index.js';
import { AuthErrors } from './errors.js';
import { isRole, type Role } from './roles.js';
import type { UserDirectory } from './users.js';

/**
 * Long-lived API keys: `twk_<id>_<secret>`. Only a SHA-256 of the whole key is stored (the
 * secret has 256 bits of entropy, so a slow KDF adds nothing). A key acts with the roles it was
 * given, never more than its owner has at the moment of use.
 */
export interface ApiKeyRecord {
  readonly id: string;
  readonly name: string;
  readonly owner: string;
  readonly roles: Role[];
  readonly hash: string;
  readonly createdAt: string;
  readonly expiresAt: string | null;
}

export type PublicApiKey = Omit<ApiKeyRecord, 'hash'>;

const KEY_FORMAT = /^twk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

export function looksLikeApiKey(s: string): boolean {
  return KEY_FORMAT.test(s);
}

export class ApiKeys {
  constructor(
    private readonly store: StorageAdapter,
    private readonly users: UserDirectory,
  ) {}

  async create(input: { owner: string; name: string; roles?: readonly string[]; expiresAt?: Date | null }): Promise<{ key: string; record: PublicApiKey }> {
    const owner = await this.users.get(input.owner);
    if (!owner) throw AuthErrors.create('user_not_found', `no user '${input.owner}'`, { username: input.owner });
    const roles = (input.roles ?? owner.roles).filter(isRole);
    const notHeld = roles.filter((r) => !owner.roles.includes(r));
    if ((input.roles && roles.length !== input.roles.length) || notHeld.length > 0 || roles.length === 0) {
      throw AuthErrors.create('invalid_user', `an API key's roles must be a non-empty subset of its owner's roles (${owner.roles.join(', ')})`, { field: 'roles' });
    }
    if (!input.name || input.name.length > 100) throw AuthErrors.create('invalid_user', 'an API key needs a name of 1–100 characters', { field: 'name' });
    const id = randomBytes(8).toString('hex');
    const key = `twk_${id}_${randomBytes(32).toString('base64url')}`;
    const record: ApiKeyRecord = {
      id,
      name: input.name,
      owner: input.owner,
      roles,
      hash: sha256(key),
      createdAt: new Date().toISOString(),
      expiresAt: input.expiresAt ? input.expiresAt.toISOString() : null,
    };
    await this.store.write([{ op: 'put', collection: 'api_keys', id, body: record, expectVersion: 'absent' }]);
    const { hash: _h, ...pub } = record;
    return { key, record: pub };
  }

  /** The key's subject and effective roles, or auth.invalid_token. */
  async verify(key: string): Promise<{ subject: string; roles: Role[]; keyId: string }> {
    const m = KEY_FORMAT.exec(key);
    if (!m) throw AuthErrors.create('invalid_token', 'the API key is malformed');
    const doc = await this.store.get('api_keys', m[1] as string);
    const record = doc?.body as ApiKeyRecord | undefined;
    const given = Buffer.from(sha256(key), 'hex');
    const stored = Buffer.from(record?.hash ?? '0'.repeat(64), 'hex');
    if (!record || !timingSafeEqual(given, stored)) throw AuthErrors.create('invalid_token', 'the API key is not valid');
    if (record.expiresAt && Date.parse(record.expiresAt) <= Date.now()) throw AuthErrors.create('invalid_token', 'the API key has expired');
    const owner = await this.users.get(record.owner);
    if (!owner || owner.disabled) throw AuthErrors.create('invalid_token', 'the API key belongs to a disabled or removed user');
    const roles = record.roles.filter((r) => owner.roles.includes(r));
    return { subject: record.owner, roles, keyId: record.id };
  }

  async list(owner?: string): Promise<PublicApiKey[]> {
    const out: PublicApiKey[] = [];
    for await (const doc of this.store.scan('api_keys')) {
      const { hash: _h, ...pub } = doc.body as ApiKeyRecord;
      if (owner === undefined || pub.owner === owner) out.push(pub);
    }
    return out;
  }

  async get(id: string): Promise<PublicApiKey | undefined> {
    const doc = await this.store.get('api_keys', id);
    if (!doc) return undefined;
    const { hash: _h, ...pub } = doc.body as ApiKeyRecord;
    return pub;
  }

  async revoke(id: string): Promise<void> {
    const [result] = await this.store.write([{ op: 'delete', collection: 'api_keys', id }]);
    if (!result || result.version === 0) throw AuthErrors.create('api_key_not_found', `no API key '${id}'`, { id });
  }
}
