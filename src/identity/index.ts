// The identity room: who is calling. The proxy calls createAuthenticator once with
// railgate.yaml's identity section and authenticate(headers) per request; an
// AuthError's code maps to a status with authErrorStatus.

export { createAuthenticator, type AuthenticatorOptions, type LogLevel } from './authenticator.js';
export { hashApiKey } from './apikey.js';
export { authChallenge, authErrorStatus, IdentityConfigError } from './errors.js';
export { DEFAULT_ALGORITHMS, SUPPORTED_ALGORITHMS } from './algorithms.js';
export { MAX_CREDENTIAL_LENGTH } from './credentials.js';
export { AuthError, CREDENTIAL_HEADERS, type AuthErrorCode, type Authenticator, type Headers, type Identity } from './types.js';
