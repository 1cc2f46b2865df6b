import { randomBytes, randomUUID, webcrypto } from 'node:crypto';
import { SignJWT, jwtVerify, errors as joseErrors, type CryptoKey } from 'jose';
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
  /**
   * The HMAC key imported into WebCrypto once. jose imports a raw Uint8Array key on every sign and
   * verify, which was the largest single cost of an authenticated request.
   */
  private readonly cryptoKey: Promise<CryptoKey>;
  /** Tokens whose signature, issuer and audience were verified, with their claims (bounded). */
  private readonly verified = new Map<string, TokenClaims>();

  private constructor(
    key: Uint8Array,
    readonly lifetimeSeconds: number,
  ) {
    this.cryptoKey = webcrypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
  }

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
      .sign(await this.cryptoKey);
  }

  async verify(token: string): Promise<TokenClaims> {
    // A client sends the same token with every request until it expires: verifying the HMAC, the
    // JSON and the claims once is enough, as the claims of a given token string never change (the
    // cache holds only tokens that passed verification; expiry is checked on every use).
    const known = this.verified.get(token);
    if (known !== undefined) {
      if (known.expiresAt.getTime() <= Date.now()) {
        this.verified.delete(token);
        throw expired();
      }
      return known;
    }
    const claims = await this.verifyFully(token);
    if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value as string);
    this.verified.set(token, claims);
    return claims;
  }

  private async verifyFully(token: string): Promise<TokenClaims> {
    try {
      const { payload } = await jwtVerify(token, await this.cryptoKey, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] });
      const roles = Array.isArray(payload['roles']) ? payload['roles'].filter(isRole) : [];
      if (typeof payload.sub !== 'string' || typeof payload.exp !== 'number') throw AuthErrors.create('invalid_token', 'token lacks subject or expiry');
      return { subject: payload.sub, roles, expiresAt: new Date(payload.exp * 1000) };
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) throw expired();
      if (AuthErrors.is(err)) throw err;
      throw AuthErrors.create('invalid_token', 'the bearer token is not valid (bad signature, issuer, audience or format)');
    }
  }
}

/** Verified tokens remembered; the oldest is dropped first (one entry per live session is plenty). */
const VERIFIED_CACHE_SIZE = 1024;

function expired(): Error {
  return AuthErrors.create('token_expired', 'the bearer token has expired; request a new one at POST /api/auth/token');
}
