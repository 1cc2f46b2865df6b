import type { StorageAdapter } from '../storage/index.js';
import { ApiKeys } from './api-keys.js';
import { AuthenticatorChain, ApiKeyAuthenticator, LocalTokenAuthenticator, type Authenticator } from './authenticate.js';
import { generatePassword } from './passwords.js';
import { TokenSigner } from './tokens.js';
import { UserDirectory } from './users.js';

export interface TokenResponse {
  readonly access_token: string;
  readonly token_type: 'Bearer';
  readonly expires_in: number;
}

export interface AuthService {
  readonly users: UserDirectory;
  readonly apiKeys: ApiKeys;
  readonly chain: AuthenticatorChain;
  login(username: string, password: string): Promise<TokenResponse>;
  /** Creates `admin` on first start. Returns the generated password when one was made (print it once). */
  ensureFirstAdmin(configuredPassword: string | undefined): Promise<{ created: boolean; generatedPassword?: string }>;
}

export async function createAuthService(
  store: StorageAdapter,
  options: { tokenLifetimeSeconds?: number; extraAuthenticators?: readonly Authenticator[] } = {},
): Promise<AuthService> {
  const signer = await TokenSigner.open(store, options.tokenLifetimeSeconds ?? 3600);
  const users = new UserDirectory(store);
  const apiKeys = new ApiKeys(store, users);
  const chain = new AuthenticatorChain([new LocalTokenAuthenticator(signer), new ApiKeyAuthenticator(apiKeys), ...(options.extraAuthenticators ?? [])]);
  return {
    users,
    apiKeys,
    chain,
    async login(username, password) {
      const user = await users.verify(username, password);
      return { access_token: await signer.issue(user.username, user.roles), token_type: 'Bearer', expires_in: signer.lifetimeSeconds };
    },
    async ensureFirstAdmin(configuredPassword) {
      if ((await users.list()).length > 0) return { created: false };
      const password = configuredPassword && configuredPassword.length > 0 ? configuredPassword : generatePassword();
      try {
        await users.create({ username: 'admin', password, roles: ['admin'], displayName: 'Administrator' });
      } catch (err) {
        // Another replica created it at the same moment.
        if ((await users.get('admin')) !== undefined) return { created: false };
        throw err;
      }
      return configuredPassword ? { created: true } : { created: true, generatedPassword: password };
    },
  };
}
