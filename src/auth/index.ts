export { createAuthService, type AuthService, type TokenResponse } from './service.js';
export { type Principal, type Authenticator, AuthenticatorChain, extractCredential } from './authenticate.js';
export { ROLES, PERMISSIONS, rolesAllow, isRole, isPermission, type Role, type Permission } from './roles.js';
export { AuthErrors } from './errors.js';
export { type PublicUser, MIN_PASSWORD_LENGTH } from './users.js';
export { type PublicApiKey } from './api-keys.js';
export { hashPassword, verifyPassword, generatePassword } from './passwords.js';
