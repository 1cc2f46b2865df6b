import type { StorageAdapter, StoredDocument } from '../storage/index.js';
import { AuthErrors } from './errors.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { isRole, type Role } from './roles.js';

export interface UserRecord {
  readonly username: string;
  readonly displayName: string;
  readonly roles: Role[];
  readonly passwordHash: string;
  readonly disabled: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export type PublicUser = Omit<UserRecord, 'passwordHash'>;

const USERNAME = /^[a-z][a-z0-9._-]{1,63}$/;
export const MIN_PASSWORD_LENGTH = 8;

export function toPublicUser(u: UserRecord): PublicUser {
  const { passwordHash: _omit, ...rest } = u;
  return rest;
}

/** Platform accounts in the `users` collection, id = username. */
export class UserDirectory {
  constructor(private readonly store: StorageAdapter) {}

  async get(username: string): Promise<UserRecord | undefined> {
    const doc = await this.store.get('users', username);
    return doc ? (doc.body as UserRecord) : undefined;
  }

  async list(): Promise<PublicUser[]> {
    const out: PublicUser[] = [];
    for await (const doc of this.store.scan('users')) out.push(toPublicUser(doc.body as UserRecord));
    return out;
  }

  async create(input: { username: string; password: string; roles: readonly string[]; displayName?: string | undefined }): Promise<PublicUser> {
    const roles = validateUser(input.username, input.password, input.roles);
    const now = new Date().toISOString();
    const record: UserRecord = {
      username: input.username,
      displayName: input.displayName ?? input.username,
      roles,
      passwordHash: await hashPassword(input.password),
      disabled: false,
      createdAt: now,
      updatedAt: now,
    };
    try {
      await this.store.write([{ op: 'put', collection: 'users', id: input.username, body: record, expectVersion: 'absent' }]);
    } catch (err) {
      if (await this.get(input.username)) throw AuthErrors.create('user_exists', `user '${input.username}' exists`, { username: input.username });
      throw err;
    }
    return toPublicUser(record);
  }

  /** Returns the user when the password matches an enabled account; same error for every failure so names are not revealed. */
  async verify(username: string, password: string): Promise<UserRecord> {
    const user = await this.get(username);
    // Hash even for unknown users so response time does not reveal which names exist.
    const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
    if (!user || !ok || user.disabled) throw AuthErrors.create('invalid_credentials', 'the user name or password is wrong');
    return user;
  }

  async update(username: string, change: { password?: string; roles?: readonly string[]; disabled?: boolean; displayName?: string }): Promise<PublicUser> {
    const doc = (await this.store.get('users', username)) as StoredDocument<UserRecord> | undefined;
    if (!doc) throw AuthErrors.create('user_not_found', `no user '${username}'`, { username });
    const roles = change.roles ? validateUser(username, change.password ?? 'x'.repeat(MIN_PASSWORD_LENGTH), change.roles) : doc.body.roles;
    if (change.password !== undefined) validateUser(username, change.password, roles);
    const next: UserRecord = {
      ...doc.body,
      roles,
      displayName: change.displayName ?? doc.body.displayName,
      disabled: change.disabled ?? doc.body.disabled,
      passwordHash: change.password !== undefined ? await hashPassword(change.password) : doc.body.passwordHash,
      updatedAt: new Date().toISOString(),
    };
    if (doc.body.roles.includes('admin') && !doc.body.disabled && (!next.roles.includes('admin') || next.disabled)) await this.assertAnotherAdmin(username);
    await this.store.write([{ op: 'put', collection: 'users', id: username, body: next, expectVersion: doc.version }]);
    return toPublicUser(next);
  }

  async remove(username: string): Promise<void> {
    const user = await this.get(username);
    if (!user) throw AuthErrors.create('user_not_found', `no user '${username}'`, { username });
    if (user.roles.includes('admin') && !user.disabled) await this.assertAnotherAdmin(username);
    await this.store.write([{ op: 'delete', collection: 'users', id: username }]);
  }

  private async assertAnotherAdmin(username: string): Promise<void> {
    const others = (await this.list()).filter((u) => u.username !== username && u.roles.includes('admin') && !u.disabled);
    if (others.length === 0) throw AuthErrors.create('last_admin', `'${username}' is the last enabled admin; create another admin first`, { username });
  }
}

function validateUser(username: string, password: string, roles: readonly string[]): Role[] {
  if (!USERNAME.test(username)) {
    throw AuthErrors.create('invalid_user', `username '${username}' must be 2–64 characters: a lower-case letter, then letters, digits, '.', '_' or '-'`, { field: 'username' });
  }
  if (password.length < MIN_PASSWORD_LENGTH) throw AuthErrors.create('invalid_user', `password must have at least ${MIN_PASSWORD_LENGTH} characters`, { field: 'password' });
  if (roles.length === 0) throw AuthErrors.create('invalid_user', 'a user needs at least one role', { field: 'roles' });
  const bad = roles.filter((r) => !isRole(r));
  if (bad.length > 0) throw AuthErrors.create('invalid_user', `unknown role(s) ${bad.join(', ')}; roles are admin, engineer, operator, technician, viewer`, { field: 'roles', value: bad });
  return [...new Set(roles)] as Role[];
}

// A valid hash of a random password, so unknown users cost the same scrypt work as known ones.
const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
