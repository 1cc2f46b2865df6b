import type { Role } from './roles.js';
import { AuthErrors } from './errors.js';
import type { TokenSigner } from './tokens.js';
import { looksLikeApiKey, type ApiKeys } from './api-keys.js';

/** Who is calling, however they proved it. */
export interface Principal {
  readonly subject: string;
  readonly roles: readonly Role[];
  readonly via: 'token' | 'api_key' | 'oidc';
  readonly keyId?: string;
}

/**
 * One way of turning a credential into a principal. `undefined` means "not mine, ask the next
 * one"; a throw means "mine, and it is bad". An OIDC authenticator (JWKS-verified ID/access
 * tokens with a claim → role mapping) slots into the chain without touching the routes.
 */
export interface Authenticator {
  authenticate(credential: string): Promise<Principal | undefined>;
}

export class LocalTokenAuthenticator implements Authenticator {
  constructor(private readonly signer: TokenSigner) {}
  async authenticate(credential: string): Promise<Principal | undefined> {
    if (credential.split('.').length !== 3) return undefined;
    const claims = await this.signer.verify(credential);
    return { subject: claims.subject, roles: claims.roles, via: 'token' };
  }
}

export class ApiKeyAuthenticator implements Authenticator {
  constructor(private readonly keys: ApiKeys) {}
  async authenticate(credential: string): Promise<Principal | undefined> {
    if (!looksLikeApiKey(credential)) return undefined;
    const v = await this.keys.verify(credential);
    return { subject: v.subject, roles: v.roles, via: 'api_key', keyId: v.keyId };
  }
}

/**
 * Reads `Authorization: Bearer <token or key>` (or `ApiKey <key>`, or the `X-API-Key` header)
 * and asks each authenticator in turn.
 */
export class AuthenticatorChain {
  constructor(private readonly authenticators: readonly Authenticator[]) {}

  async fromHeaders(headers: Readonly<Record<string, string | string[] | undefined>>): Promise<Principal> {
    const credential = extractCredential(headers);
    if (!credential) {
      throw AuthErrors.create('missing_credentials', 'this route needs authentication: send Authorization: Bearer <token> (from POST /api/auth/token) or an API key');
    }
    return this.fromCredential(credential);
  }

  async fromCredential(credential: string): Promise<Principal> {
    for (const a of this.authenticators) {
      const p = await a.authenticate(credential);
      if (p) return p;
    }
    throw AuthErrors.create('invalid_token', 'the credential is neither a valid bearer token nor a valid API key');
  }
}

export function extractCredential(headers: Readonly<Record<string, string | string[] | undefined>>): string | undefined {
  const auth = headers['authorization'];
  const value = Array.isArray(auth) ? auth[0] : auth;
  if (value) {
    const m = /^(Bearer|ApiKey)\s+(\S+)\s*$/i.exec(value);
    return m ? m[2] : undefined;
  }
  const key = headers['x-api-key'];
  return Array.isArray(key) ? key[0] : key;
}
