import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import type { OidcConfig } from '../../../src/config/types.js';

// A realistic OpenID provider on 127.0.0.1: the discovery document at
// /.well-known/openid-configuration and a JWK Set at /jwks built with jose from
// real key pairs (kid, alg, use), and tokens signed with jose's SignJWT. It counts
// the requests it serves, can be made to fail (status), to serve a given body, or
// to hold its responses until released (to observe single flight).

export interface IdpKey {
  kid: string;
  alg: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  /** the public JWK as published (kid, alg, use: sig) */
  jwk: JWK;
}

export async function makeKey(alg: string, kid: string): Promise<IdpKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { kid, alg, privateKey, publicKey, jwk };
}

export interface TokenOptions {
  key: IdpKey;
  /** header fields added or overriding alg/kid/typ; `kid: undefined` removes it */
  header?: Record<string, unknown>;
  /** seconds since 1970; default now */
  now?: number;
  /** seconds of validity; default 300 */
  ttl?: number;
  issuer?: string;
  audience?: string | string[];
  /** critical header extensions the signer declares it understands */
  crit?: Record<string, boolean>;
}

export class FakeIdp {
  readonly fetches = { discovery: 0, jwks: 0 };
  /** the keys in the JWK Set served */
  published: JWK[] = [];
  /** status of every response; 200 serves the documents */
  status = 200;
  /** replaces the discovery document */
  discovery: Record<string, unknown> | undefined;
  /** replaces the JWKS body */
  jwksBody: string | undefined;
  /** send jwksBody in chunks without Content-Length */
  chunked = false;
  /** never answer (timeouts) */
  silent = false;
  private gate: { promise: Promise<void>; release: () => void } | undefined;
  private arrivals: (() => void)[] = [];
  private readonly sockets = new Set<import('node:net').Socket>();

  private constructor(
    private readonly server: Server,
    readonly issuer: string,
  ) {
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  static async start(): Promise<FakeIdp> {
    let idp: FakeIdp | undefined;
    const server = createServer((req, res) => void idp!.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    idp = new FakeIdp(server, `http://127.0.0.1:${port}/realms/acme`);
    return idp;
  }

  get jwksUri(): string {
    return `${this.issuer}/protocol/openid-connect/certs`;
  }

  publish(...keys: IdpKey[]): void {
    this.published = keys.map((k) => k.jwk);
  }

  /** Responses wait until the returned function is called. */
  hold(): () => void {
    let release!: () => void;
    const promise = new Promise<void>((r) => (release = r));
    this.gate = { promise, release };
    return () => {
      this.gate = undefined;
      release();
    };
  }

  /** Resolves when the next request arrives. */
  nextArrival(): Promise<void> {
    return new Promise((r) => this.arrivals.push(r));
  }

  /** A config for this provider: audience railgate, RS256 and ES256, no skew, long cache. */
  config(over: Partial<OidcConfig> = {}): OidcConfig {
    return {
      issuer: this.issuer,
      audience: ['railgate'],
      algorithms: ['RS256', 'ES256'],
      groupsClaim: 'groups',
      idClaim: 'sub',
      emailClaim: 'email',
      clockSkewMs: 0,
      jwksCacheMs: 10 * 60_000,
      jwksRefreshMinIntervalMs: 30_000,
      timeoutMs: 5000,
      ...over,
    };
  }

  async token(claims: JWTPayload, o: TokenOptions): Promise<string> {
    const now = o.now ?? Math.floor(Date.now() / 1000);
    const header: Record<string, unknown> = { alg: o.key.alg, kid: o.key.kid, typ: 'JWT', ...o.header };
    for (const k of Object.keys(header)) if (header[k] === undefined) delete header[k];
    return new SignJWT({ sub: 'alice', iss: o.issuer ?? this.issuer, aud: o.audience ?? 'railgate', iat: now, exp: now + (o.ttl ?? 300), ...claims })
      .setProtectedHeader(header as { alg: string })
      .sign(o.key.privateKey, o.crit ? { crit: o.crit } : undefined);
  }

  async close(): Promise<void> {
    this.gate?.release();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', this.issuer).pathname;
    const isDiscovery = path === '/realms/acme/.well-known/openid-configuration';
    const isJwks = path === '/realms/acme/protocol/openid-connect/certs';
    if (isDiscovery) this.fetches.discovery++;
    if (isJwks) this.fetches.jwks++;
    for (const a of this.arrivals.splice(0)) a();
    if (this.silent) return;
    if (this.gate) await this.gate.promise;
    if (!isDiscovery && !isJwks) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
      return;
    }
    if (this.status !== 200) {
      res.writeHead(this.status, { 'content-type': 'text/html' }).end('<html>upstream connect error</html>');
      return;
    }
    if (isDiscovery) {
      const doc = this.discovery ?? {
        issuer: this.issuer,
        authorization_endpoint: `${this.issuer}/protocol/openid-connect/auth`,
        token_endpoint: `${this.issuer}/protocol/openid-connect/token`,
        jwks_uri: this.jwksUri,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256', 'ES256'],
      };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(doc));
      return;
    }
    const body = this.jwksBody ?? JSON.stringify({ keys: this.published });
    if (this.chunked) {
      res.writeHead(200, { 'content-type': 'application/jwk-set+json' });
      for (let i = 0; i < body.length; i += 64 * 1024) res.write(body.slice(i, i + 64 * 1024));
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/jwk-set+json', 'content-length': Buffer.byteLength(body) }).end(body);
  }
}

/** A compact JWS assembled by hand (for headers jose refuses to sign with). */
export function handmade(header: Record<string, unknown>, payload: Record<string, unknown>, signature = ''): string {
  const enc = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${enc(header)}.${enc(payload)}.${signature}`;
}

/** Headers as Node gives them, with a bearer token. */
export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });
