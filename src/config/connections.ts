import type { ConnectionConfig, HttpProtocolConfig, OperationName, Protocol } from './types.js';
import { headers } from './headers.js';
import { jsonPathProblem } from './jsonpath.js';
import { parseUpstream } from './net.js';
import { formatPath, type Path } from './path.js';
import type { Reader } from './values.js';

// connections: each a path prefix on the proxy, an upstream, a protocol and the
// policy that guards it.

export const CONNECTION_DEFAULTS = {
  connectMs: 5_000,
  // models can think for a long time before the first byte of a response
  headersMs: 120_000,
  // a long streamed completion
  bodyMs: 600_000,
  bodyLimitBytes: 4 * 1024 * 1024,
} as const;

/** The proxy reads a request body whole to evaluate the policy on it: this bounds that buffer. */
export const MAX_BODY_LIMIT_BYTES = 100 * 1024 * 1024;

/** Paths the proxy answers itself. */
export const RESERVED_PATHS = ['/healthz', '/readyz'] as const;

const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;
const PREFIX = /^(?:\/[A-Za-z0-9._~!$&'()*+,;=:@-]+)+$/;
const POLICY = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;

export function readConnections(r: Reader, raw: unknown): ConnectionConfig[] {
  const path: Path = ['connections'];
  const out: { conn: ConnectionConfig; index: number; prefixGiven: boolean }[] = [];
  (r.list(raw) ?? []).forEach((item, i) => {
    const c = r.obj(item);
    if (c === undefined) return;
    out.push({ conn: readConnection(r, [...path, i], c), index: i, prefixGiven: c['prefix'] !== undefined });
  });
  checkUnique(r, path, out);
  return out.map((o) => o.conn);
}

function readConnection(r: Reader, path: Path, c: Record<string, unknown>): ConnectionConfig {
  const name = r.str(c['name']) ?? '';
  if (typeof c['name'] === 'string' && !NAME.test(name)) {
    r.report.add([...path, 'name'], `${formatPath([...path, 'name'])} must be a name like openai (letters, digits, - and _, up to 63), ${r.report.got([...path, 'name'], name)}`);
  }
  const protocol = (r.str(c['protocol']) ?? 'openai') as Protocol;
  const t = r.obj(c['timeouts']) ?? {};
  const tp = [...path, 'timeouts'];
  const conn: ConnectionConfig = {
    name,
    prefix: readPrefix(r, [...path, 'prefix'], c['prefix'], name),
    protocol,
    upstream: readUpstream(r, [...path, 'upstream'], c['upstream']),
    upstreamHeaders: headers(r, [...path, 'headers'], c['headers']),
    policy: readPolicy(r, [...path, 'policy'], c['policy']),
    operationPolicies: readOperationPolicies(r, [...path, 'policies'], c['policies']),
    timeouts: {
      connectMs: r.duration([...tp, 'connect'], t['connect'], CONNECTION_DEFAULTS.connectMs, { min: 1 }),
      headersMs: r.duration([...tp, 'headers'], t['headers'], CONNECTION_DEFAULTS.headersMs, { min: 1 }),
      bodyMs: r.duration([...tp, 'body'], t['body'], CONNECTION_DEFAULTS.bodyMs, { min: 1 }),
    },
    bodyLimitBytes: r.size([...path, 'body_limit'], c['body_limit'], CONNECTION_DEFAULTS.bodyLimitBytes, MAX_BODY_LIMIT_BYTES),
  };
  const http = readHttp(r, path, c, protocol);
  if (http) conn.http = http;
  return conn;
}

/** `/openai`: no trailing slash, no empty, `.` or `..` segment, no query; default `/<name>`. */
function readPrefix(r: Reader, path: Path, raw: unknown, name: string): string {
  if (raw === undefined) return `/${name}`;
  if (typeof raw !== 'string') return `/${name}`;
  const p = formatPath(path);
  const got = r.report.got(path, raw);
  let problem: string | undefined;
  if (!raw.startsWith('/')) problem = 'it must start with /';
  else if (raw === '/') problem = 'the whole path space cannot be one connection (/healthz and /readyz are the proxy\'s own)';
  else if (raw.endsWith('/')) problem = 'it must not end with /';
  else if (raw.includes('//')) problem = 'it has an empty segment (//)';
  else if (raw.split('/').some((s) => s === '.' || s === '..')) problem = 'it has a . or .. segment';
  else if (!PREFIX.test(raw)) problem = 'it has characters that are not allowed in a path (a query, a fragment, spaces, %)';
  if (problem !== undefined) {
    r.report.add(path, `${p} must be a path prefix like /openai, ${got}: ${problem}`);
    return raw;
  }
  for (const reserved of RESERVED_PATHS) {
    if (raw === reserved || raw.startsWith(`${reserved}/`)) {
      r.report.add(path, `${p} is ${raw}, which the proxy serves itself`, { hint: `choose another prefix; ${RESERVED_PATHS.join(' and ')} are reserved` });
    }
  }
  return raw;
}

function readUpstream(r: Reader, path: Path, raw: unknown): string {
  if (typeof raw !== 'string') return '';
  const u = parseUpstream(raw.trim());
  if (!u.ok) {
    r.report.add(path, `${formatPath(path)} must be an http(s) base URL like https://api.openai.com, ${r.report.got(path, raw)}: ${u.reason}`);
    return raw;
  }
  return u.value;
}

function readPolicy(r: Reader, path: Path, raw: unknown): string {
  if (typeof raw !== 'string') return '';
  // `data.railgate.chat` is how a policy refers to it; the package path is the same
  const p = raw.startsWith('data.') ? raw.slice('data.'.length) : raw;
  if (!POLICY.test(p)) {
    r.report.add(path, `${formatPath(path)} must be a policy package path like railgate.chat, ${r.report.got(path, raw)}`, {
      hint: 'the package name of the policy, as in its `package` line: dotted names of letters, digits and _',
    });
  }
  return p;
}

/** `policies: {embedding: railgate.embeddings}`: packages for particular operations. */
function readOperationPolicies(r: Reader, path: Path, raw: unknown): Partial<Record<OperationName, string>> {
  const out: Partial<Record<OperationName, string>> = {};
  for (const [op, v] of Object.entries(r.obj(raw) ?? {})) out[op as OperationName] = readPolicy(r, [...path, op], v);
  return out;
}

function readHttp(r: Reader, path: Path, c: Record<string, unknown>, protocol: Protocol): HttpProtocolConfig | undefined {
  const hp = [...path, 'http'];
  const h = r.obj(c['http']);
  if (protocol !== 'http') {
    if (c['http'] !== undefined && typeof c['protocol'] === 'string') {
      r.report.add(hp, `${formatPath(hp)} applies only to protocol http, and this connection's protocol is ${protocol}`, {
        hint: `remove the http block, or set protocol: http`,
      });
    }
    return undefined;
  }
  if (c['http'] === undefined) {
    r.report.add(hp, `missing key ${formatPath(hp)}: protocol http needs the JSON paths of the prompt texts`, {
      at: path,
      hint: 'add http: {request_texts: [$.query]} naming where the text to guard is in request bodies',
    });
    return undefined;
  }
  if (h === undefined) return undefined;
  const out: HttpProtocolConfig = {
    requestTexts: jsonPaths(r, [...hp, 'request_texts'], h['request_texts']),
    responseTexts: jsonPaths(r, [...hp, 'response_texts'], h['response_texts']),
    operation: (r.str(h['operation']) ?? 'other') as HttpProtocolConfig['operation'],
  };
  const model = r.str(h['model']);
  if (model !== undefined) {
    checkJsonPath(r, [...hp, 'model'], model);
    out.model = model;
  }
  return out;
}

function jsonPaths(r: Reader, path: Path, raw: unknown): string[] {
  const list = r.list(raw) ?? [];
  list.forEach((p, i) => {
    if (typeof p === 'string') checkJsonPath(r, [...path, i], p);
  });
  return r.strings(raw);
}

function checkJsonPath(r: Reader, path: Path, p: string): void {
  const problem = jsonPathProblem(p);
  if (problem !== undefined) {
    r.report.add(path, `${formatPath(path)} must be a JSON path like $.query or $.documents[*].text, ${r.report.got(path, p)}: ${problem}`);
  }
}

/** Names unique; prefixes unique, and none under another (which connection would /openai/v2/x be?). */
function checkUnique(r: Reader, path: Path, conns: { conn: ConnectionConfig; index: number; prefixGiven: boolean }[]): void {
  const names = new Map<string, number>();
  for (const { conn, index } of conns) {
    if (conn.name === '') continue;
    const first = names.get(conn.name);
    if (first !== undefined) {
      r.report.add([...path, index, 'name'], `${formatPath([...path, index, 'name'])} ${JSON.stringify(conn.name)} is already the name of ${formatPath([...path, first])}`, {
        hint: 'connection names must be unique: policies and logs tell connections apart by name',
      });
    } else names.set(conn.name, index);
  }
  for (let a = 0; a < conns.length; a++) {
    for (let b = 0; b < conns.length; b++) {
      if (a === b) continue;
      const x = conns[a]!;
      const y = conns[b]!;
      if (x.conn.name === '' || y.conn.name === '') continue;
      const where = [...path, y.index, 'prefix'];
      const at = { at: [...path, y.index, y.prefixGiven ? 'prefix' : 'name'] };
      const yp = y.prefixGiven ? '' : ' (the default, from its name)';
      const xp = x.prefixGiven ? '' : ' (its default, from its name)';
      if (x.conn.prefix === y.conn.prefix && a < b) {
        r.report.add(where, `${formatPath(where)} ${y.conn.prefix}${yp} is also the prefix of ${formatPath([...path, x.index])}${xp}`, {
          ...at,
          hint: 'give each connection its own prefix',
        });
      } else if (y.conn.prefix.startsWith(`${x.conn.prefix}/`)) {
        r.report.add(where, `${formatPath(where)} ${y.conn.prefix}${yp} lies under ${x.conn.prefix}, the prefix of ${formatPath([...path, x.index])}${xp}: a request to ${y.conn.prefix}/... would match both`, {
          ...at,
          hint: 'use prefixes that do not nest, e.g. /openai and /openai-v2',
        });
      }
    }
  }
}
