// Who is calling: the verified identity the policy sees as input.user, or an
// AuthError that becomes a 401 naming the reason (never the credential).

export interface Identity {
  id: string;
  email?: string;
  groups: string[];
  auth: 'oidc' | 'api_key' | 'anonymous';
  /** the token's claims (OIDC), or the key's configured attributes; never the credential itself */
  claims: Record<string, unknown>;
}

export type AuthErrorCode =
  | 'missing_credentials'
  /** two different credentials (Authorization and x-api-key, or a repeated header) */
  | 'ambiguous_credentials'
  | 'invalid_token'
  | 'expired_token'
  | 'token_not_yet_valid'
  | 'wrong_issuer'
  | 'wrong_audience'
  | 'unknown_key'
  | 'disallowed_algorithm'
  | 'unknown_api_key'
  | 'identity_provider_unavailable';

export class AuthError extends Error {
  constructor(
    readonly code: AuthErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AuthError';
  }
}

/** The request headers an authenticator reads (lower-case names, as Node gives them). */
export type Headers = Readonly<Record<string, string | string[] | undefined>>;

export interface Authenticator {
  /** the caller's identity; throws AuthError (401) */
  authenticate(headers: Headers): Promise<Identity>;
  /** aborts a key fetch in flight and closes the connection pool; idempotent */
  close(): Promise<void>;
}

/**
 * Headers that carry client credentials (or could: `api-key` is Azure OpenAI's): removed
 * before evaluation and before forwarding, whether or not railgate reads them.
 */
export const CREDENTIAL_HEADERS: readonly string[] = ['authorization', 'proxy-authorization', 'x-api-key', 'api-key', 'cookie', 'x-railgate-api-key'];
