import { randomBytes, randomUUID } from 'node:crypto';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import type { StorageAdapter } from '../storage/index.js';
import { AuthErrors } from './errors.js';
import { isRole, type Role } from './roles.js';

const ISSUER = 'twinworks';
const AUDIENCE = 'twinworks-api';
const SIGNING_KEY_ID = 'auth.signing-key';

export interface TokenClaims {
  readonly subject: string;
  readonly roles: readonly Role[];
  readonly expiresAt: Date;
}

/**
 * Bearer tokens are HS256 JWTs signed with a key kept in the store, so every replica on the
 * same PostgreSQL signs and verifies alike. OIDC tokens will come through a separate
 * authenticator (see authenticate.ts), not through this signer.
 */
export class TokenSigner {
  private constructor(
    private readonly key: Uint8Array,
    readonly lifetimeSeconds: number,
  ) {}

  /** Loads the signing key from the store, creating it on first use (race-safe across replicas). */
  static async open(store: StorageAdapter, lifetimeSeconds = 3600): Promise<TokenSigner> {
    const existing = await store.get('settings', SIGNING_KEY_ID);
    if (existing) return new TokenSigner(Buffer.from((existing.body as { secret: string }).secret, 'base64'), lifetimeSeconds);
    const secret = randomBytes(32).toString('base64');
    try {
      await store.write([{ op: 'put', collection: 'settings', id: SIGNING_KEY_ID, body: { secret, createdAt: new Date().toISOString() }, expectVersion: 'absent' }]);
      return new TokenSigner(Buffer.from(secret, 'base64'), lifetimeSeconds);
    } catch (err) {
      // Another replica created it first: use theirs.
      const theirs = await store.get('settings', SIGNING_KEY_ID);
      if (!theirs) throw err;
      return new TokenSigner(Buffer.from((theirs.body as { secret: string }).secret, 'base64'), lifetimeSeconds);
    }
  }

  async issue(subject: string, roles: readonly Role[]): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ roles: [...roles] })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(subject)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(now)
      .setJti(randomUUID())
      .setExpirationTime(now + this.lifetimeSeconds)
      .sign(this.key);
  }

  async verify(token: string): Promise<TokenClaims> {
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] });
      const roles = Array.isArray(payload['roles']) ? payload['roles'].filter(isRole) : [];
      if (typeof payload.sub !== 'string' || typeof payload.exp !== 'number') throw AuthErrors.create('invalid_token', 'token lacks subject or expiry');
      return { subject: payload.sub, roles, expiresAt: new Date(payload.exp * 1000) };
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) throw AuthErrors.create('token_expired', 'the bearer token has expired; request a new one at POST /api/auth/token');
      if (AuthErrors.is(err)) throw err;
      throw AuthErrors.create('invalid_token', 'the bearer token is not valid (bad signature, issuer, audience or format)');
    }
  }
}
