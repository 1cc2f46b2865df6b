import { defineErrors } from '../shared/errors.js';

export const AuthErrors = defineErrors('auth', {
  missing_credentials: { kind: 'unauthenticated', title: 'No credentials were given' },
  invalid_credentials: { kind: 'unauthenticated', title: 'The user name or password is wrong' },
  invalid_token: { kind: 'unauthenticated', title: 'The bearer token or API key is not valid' },
  token_expired: { kind: 'unauthenticated', title: 'The bearer token has expired' },
  forbidden: { kind: 'forbidden', title: 'Your role does not allow this' },
  user_exists: { kind: 'conflict', title: 'A user with this name exists' },
  user_not_found: { kind: 'not_found', title: 'No such user' },
  api_key_not_found: { kind: 'not_found', title: 'No such API key' },
  invalid_user: { kind: 'invalid', title: 'The user definition is not valid' },
  last_admin: { kind: 'conflict', title: 'The last enabled admin cannot be removed or demoted' },
});
