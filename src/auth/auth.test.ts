import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMemoryStorage } from '../storage/index.js';
import { createAuthService } from './service.js';
import { hashPassword, verifyPassword, generatePassword } from './passwords.js';
import { rolesAllow } from './roles.js';

const FAST = { N: 1024, r: 8, p: 1 };

async function service(tokenLifetimeSeconds?: number) {
  const store = createMemoryStorage();
  await store.open();
  return { store, auth: await createAuthService(store, { tokenLifetimeSeconds }) };
}

test('scrypt hashes verify only the right password, salt differs per hash, parameters are recorded', async () => {
  const a = await hashPassword('correct horse', FAST);
  const b = await hashPassword('correct horse', FAST);
  assert.notEqual(a, b);
  assert.match(a, /^scrypt\$1024\$8\$1\$/);
  assert.equal(await verifyPassword('correct horse', a), true);
  assert.equal(await verifyPassword('correct hors', a), false);
  assert.equal(await verifyPassword('correct horse', 'garbage'), false);
});

test('generated passwords have the asked length and avoid look-alike characters', () => {
  const p = generatePassword(32);
  assert.equal(p.length, 32);
  assert.doesNotMatch(p, /[0O1lI]/);
});

test('users: create, sign in, wrong password, duplicate, bad input, disabled account', async () => {
  const { auth } = await service();
  await auth.users.create({ username: 'maria', password: 'secret-123', roles: ['operator'] });
  const token = await auth.login('maria', 'secret-123');
  assert.equal(token.token_type, 'Bearer');
  const me = await auth.chain.fromCredential(token.access_token);
  assert.deepEqual([me.subject, [...me.roles], me.via], ['maria', ['operator'], 'token']);

  await assert.rejects(auth.login('maria', 'wrong-pass'), { code: 'auth.invalid_credentials' });
  await assert.rejects(auth.login('nobody', 'secret-123'), { code: 'auth.invalid_credentials' });
  await assert.rejects(auth.users.create({ username: 'maria', password: 'another-1', roles: ['viewer'] }), { code: 'auth.user_exists' });
  await assert.rejects(auth.users.create({ username: 'x', password: 'secret-123', roles: ['viewer'] }), { code: 'auth.invalid_user' });
  await assert.rejects(auth.users.create({ username: 'pedro', password: 'short', roles: ['viewer'] }), { code: 'auth.invalid_user' });
  await assert.rejects(auth.users.create({ username: 'pedro', password: 'secret-123', roles: ['boss'] }), /unknown role/);

  await auth.users.update('maria', { disabled: true });
  await assert.rejects(auth.login('maria', 'secret-123'), { code: 'auth.invalid_credentials' });
});

test('first admin is created once, with the configured or a generated password', async () => {
  const { auth } = await service();
  const first = await auth.ensureFirstAdmin(undefined);
  assert.equal(first.created, true);
  assert.ok(first.generatedPassword && first.generatedPassword.length >= 16);
  await auth.login('admin', first.generatedPassword);
  assert.deepEqual(await auth.ensureFirstAdmin('other-password'), { created: false });

  const second = await service();
  assert.deepEqual(await second.auth.ensureFirstAdmin('chosen-password'), { created: true });
  await second.auth.login('admin', 'chosen-password');
});

test('the last enabled admin can be neither removed, demoted nor disabled', async () => {
  const { auth } = await service();
  await auth.ensureFirstAdmin('admin-password');
  await assert.rejects(auth.users.remove('admin'), { code: 'auth.last_admin' });
  await assert.rejects(auth.users.update('admin', { roles: ['viewer'] }), { code: 'auth.last_admin' });
  await assert.rejects(auth.users.update('admin', { disabled: true }), { code: 'auth.last_admin' });
  await auth.users.create({ username: 'second', password: 'second-pass', roles: ['admin'] });
  await auth.users.remove('admin');
  assert.equal(await auth.users.get('admin'), undefined);
});

test('tampered and expired tokens are refused', async () => {
  const { auth } = await service();
  await auth.users.create({ username: 'ana', password: 'secret-123', roles: ['engineer'] });
  const { access_token } = await auth.login('ana', 'secret-123');
  const [h, p, s] = access_token.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
  claims.roles = ['admin'];
  const forged = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;
  await assert.rejects(auth.chain.fromCredential(forged), { code: 'auth.invalid_token' });

  const expired = await service(-10);
  await expired.auth.users.create({ username: 'ana', password: 'secret-123', roles: ['engineer'] });
  const old = await expired.auth.login('ana', 'secret-123');
  await assert.rejects(expired.auth.chain.fromCredential(old.access_token), { code: 'auth.token_expired' });
});

test('a verified token keeps working until its expiry, then is refused; a forgery of it is still refused', async (t) => {
  const { auth } = await service(60);
  await auth.users.create({ username: 'ana', password: 'secret-123', roles: ['engineer'] });
  const { access_token } = await auth.login('ana', 'secret-123');
  const first = await auth.chain.fromCredential(access_token);
  const again = await auth.chain.fromCredential(access_token); // answered from the verified-token cache
  assert.deepEqual(again, first);
  assert.deepEqual(first.roles, ['engineer']);
  const [h, p] = access_token.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
  claims.roles = ['admin'];
  const forged = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${access_token.split('.')[2]}`;
  await assert.rejects(auth.chain.fromCredential(forged), { code: 'auth.invalid_token' });
  // 61 s later the 60 s token has expired, cached or not.
  t.mock.timers.enable({ apis: ['Date'], now: Date.now() + 61_000 });
  await assert.rejects(auth.chain.fromCredential(access_token), { code: 'auth.token_expired' });
  await assert.rejects(auth.chain.fromCredential(access_token), { code: 'auth.token_expired' });
});

test('a token signed by another installation is refused', async () => {
  const a = await service();
  const b = await service();
  await a.auth.users.create({ username: 'ana', password: 'secret-123', roles: ['engineer'] });
  const { access_token } = await a.auth.login('ana', 'secret-123');
  await assert.rejects(b.auth.chain.fromCredential(access_token), { code: 'auth.invalid_token' });
});

test('API keys: act with at most their owner’s current roles, and stop working when revoked or the owner is disabled', async () => {
  const { auth } = await service();
  await auth.users.create({ username: 'eng', password: 'secret-123', roles: ['engineer', 'operator'] });
  const { key, record } = await auth.apiKeys.create({ owner: 'eng', name: 'ci', roles: ['operator'] });
  assert.match(key, /^twk_[0-9a-f]{16}_/);
  assert.equal('hash' in record, false);
  const p = await auth.chain.fromCredential(key);
  assert.deepEqual([p.subject, [...p.roles], p.via], ['eng', ['operator'], 'api_key']);

  await assert.rejects(auth.apiKeys.create({ owner: 'eng', name: 'too much', roles: ['admin'] }), { code: 'auth.invalid_user' });
  const tampered = key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');
  await assert.rejects(auth.chain.fromCredential(tampered), { code: 'auth.invalid_token' });

  await auth.users.update('eng', { roles: ['engineer'] });
  assert.deepEqual([...(await auth.chain.fromCredential(key)).roles], []);

  await auth.users.update('eng', { disabled: true });
  await assert.rejects(auth.chain.fromCredential(key), { code: 'auth.invalid_token' });
  await auth.users.update('eng', { disabled: false, roles: ['engineer', 'operator'] });
  await auth.apiKeys.revoke(record.id);
  await assert.rejects(auth.chain.fromCredential(key), { code: 'auth.invalid_token' });
  await assert.rejects(auth.apiKeys.revoke(record.id), { code: 'auth.api_key_not_found' });
});

test('role table: who may do what', () => {
  assert.equal(rolesAllow(['viewer'], 'platform.read'), true);
  assert.equal(rolesAllow(['viewer'], 'twins.write'), false);
  assert.equal(rolesAllow(['viewer'], 'commands.invoke'), false);
  assert.equal(rolesAllow(['operator'], 'commands.invoke'), true);
  assert.equal(rolesAllow(['operator'], 'alerts.configure'), false);
  assert.equal(rolesAllow(['technician'], 'alerts.respond'), true);
  assert.equal(rolesAllow(['technician'], 'commands.invoke'), false);
  assert.equal(rolesAllow(['engineer'], 'users.manage'), false);
  assert.equal(rolesAllow(['viewer', 'admin'], 'users.manage'), true);
  assert.equal(rolesAllow([], 'platform.read'), false);
});
