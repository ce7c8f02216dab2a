import type { ClassifierDef, Refine } from './set.js';
import { IBAN_LENGTH, creditCard, entropy, iban, ipv4, ipv6, jwt, notHashOrUuid, phone, ssn } from './validators.js';

// The built-in classifiers, usable by name in any policy. Each pattern finds
// candidates cheaply; the checks and refinements then keep precision: checksums,
// issuer and country tables, entropy, and "not part of a longer token" boundaries.
// A match longer than maxLength reaches a refinement cut at maxLength, so every
// refinement checks the character after the match as well as the one before.
// `reach` says how far around the match a refinement reads (stream masking waits
// for that much text after a match before judging it): test/runtime/classifiers
// checks it by changing the text beyond it.
// test/fixtures/classifiers/<name>.yaml holds each one's positives and look-alikes.

type Def = Omit<ClassifierDef, 'origin' | 'checks'> & { checks?: ClassifierDef['checks'] };

const WORD = /[A-Za-z0-9_]/;
const TOKEN = /[A-Za-z0-9_-]/;
const BASE64 = /[A-Za-z0-9/+=]/;

/** The match must not continue a longer run of `chars` on either side. */
function standalone(chars: RegExp): Refine {
  return (text, s, e) => (s > 0 && chars.test(text[s - 1]!)) || (e < text.length && chars.test(text[e]!)) ? undefined : [s, e];
}

/**
 * The match must not sit inside a longer number: no digit, letter, or digit-joining
 * punctuation (`1.2`, `1-2`, `1/2`) right before or after it.
 */
function notInsideNumber(text: string, s: number, e: number): boolean {
  const before = text[s - 1];
  const after = text[e];
  if (before !== undefined && (WORD.test(before) || ('.-/'.includes(before) && /[0-9]/.test(text[s - 2] ?? '')))) return false;
  if (after !== undefined && (WORD.test(after) || ('.-/'.includes(after) && /[0-9]/.test(text[e + 1] ?? '')))) return false;
  return true;
}

/**
 * Tries the whole match, then shorter prefixes ending at a digit group, so that a
 * number followed by more digits ("+44 20 7946 0958 2023") is still found.
 */
function groupPrefixes(valid: (value: string) => boolean): Refine {
  return (text, s, e) => {
    const value = text.slice(s, e);
    const cuts: number[] = [value.length];
    for (let i = value.length - 1; i > 0; i--) if (/[ .-]/.test(value[i]!) && /[0-9)]/.test(value[i - 1]!)) cuts.push(i);
    for (const cut of cuts) {
      if (valid(text.slice(s, s + cut)) && notInsideNumber(text, s, s + cut)) return [s, s + cut];
    }
    return undefined;
  };
}

/**
 * The longest valid card number that the match starts with: the whole match, or a
 * prefix ending at a digit group ("4111 1111 1111 1111 123" holds a card and a CVV).
 * One pass over the match, so a long run of look-alike digits stays cheap.
 */
function cardRefine(text: string, s: number, e: number): readonly [number, number] | undefined {
  let digits = '';
  let sep = -1;
  let groupLen = 0;
  let groups = 0;
  let best = -1;
  for (let i = s; i <= e; i++) {
    const c = i < e ? text.charCodeAt(i) : -1;
    if (c >= 48 && c <= 57) {
      digits += text[i];
      groupLen++;
      continue;
    }
    groups++;
    if (c !== -1) {
      if (sep === -1) sep = c;
      else if (c !== sep) break;
    }
    if (groups > 1 || c !== -1) {
      // grouped: every group 3-6 digits, at least three groups
      if (groupLen < 3 || groupLen > 6) break;
      if (groups >= 3 && creditCard(digits) && notInsideNumber(text, s, i)) best = i;
    } else if (creditCard(digits) && notInsideNumber(text, s, i)) best = i;
    groupLen = 0;
  }
  return best > s ? [s, best] : undefined;
}

function charClasses(v: string): number {
  return (/[a-z]/.test(v) ? 1 : 0) + (/[A-Z]/.test(v) ? 1 : 0) + (/[0-9]/.test(v) ? 1 : 0) + (/[^A-Za-z0-9]/.test(v) ? 1 : 0);
}

const PLACEHOLDER = /your|example|sample|dummy|placeholder|changeme|redacted|xxxx|\*\*\*|<|>|\$\{|\{\{|%\(|process\.env|os\.environ|getenv/i;

/** A random-looking secret value, not a placeholder, identifier, hash or UUID. */
function secretLike(v: string, minEntropy: number): boolean {
  return (
    /[0-9]/.test(v) &&
    /[A-Za-z]/.test(v) &&
    charClasses(v) >= 3 &&
    entropy(v) >= minEntropy &&
    notHashOrUuid(v) &&
    !PLACEHOLDER.test(v)
  );
}

/** `settings.API_KEY_v2`, `my-secret-name`: words joined by separators, not a secret. */
function identifierLike(v: string): boolean {
  const parts = v.split(/[._-]/);
  return parts.length >= 2 && parts.every((p) => /^(?:[A-Za-z]+\d{0,3}|\d{0,3})$/.test(p));
}

/** After `key = "…"` or `Bearer …`: the value part of the match, quotes stripped. */
function assignedValue(charset: RegExp, min: number, max: number, minEntropy: number): Refine {
  return (text, s, e) => {
    const m = text.slice(s, e);
    const op = /^authorization/i.test(m) ? /^.*?bearer\s+/is.exec(m) : /^[^:=]*?(?:=>|:=|[:=])\s*\\?["']?/.exec(m);
    if (!op) return undefined;
    const vs = s + op[0].length;
    const value = text.slice(vs, e);
    if (value.length < min || value.length > max) return undefined;
    if (e < text.length && charset.test(text[e]!)) return undefined;
    return secretLike(value, minEntropy) && !identifierLike(value) ? [vs, e] : undefined;
  };
}

const FILE_EXTENSIONS = new Set(
  'png jpg jpeg gif svg webp ico bmp tif tiff avif heic css scss js mjs cjs ts tsx jsx json map txt html htm xml pdf gz tgz tar java php yml yaml lock wasm'.split(' '),
);

function email(text: string, s: number, e: number): readonly [number, number] | undefined {
  const value = text.slice(s, e);
  const at = value.indexOf('@');
  const local = value.slice(0, at);
  const domain = value.slice(at + 1);
  if (local.length > 64 || value.length > 254 || local.includes('..') || local.endsWith('.')) return undefined;
  const tld = domain.slice(domain.lastIndexOf('.') + 1).toLowerCase();
  if (FILE_EXTENSIONS.has(tld)) return undefined; // logo@2x.png
  const before = text[s - 1];
  const after = text[e];
  if (before !== undefined && /[A-Za-z0-9._%+-]/.test(before)) return undefined;
  if (after !== undefined && /[A-Za-z0-9_@-]/.test(after)) return undefined;
  return [s, e];
}

function ssnRefine(text: string, s: number, e: number): readonly [number, number] | undefined {
  const value = text.slice(s, e);
  if (!ssn(value) || !notInsideNumber(text, s, e)) return undefined;
  // nine bare digits are an id as often as an SSN: demand the words that say which
  if (/^\d{9}$/.test(value)) {
    const around = text.slice(Math.max(0, s - 64), Math.min(text.length, e + 64)).toLowerCase();
    if (!/\bssn\b|social security|social sec|\bss#|taxpayer id/.test(around)) return undefined;
  }
  return [s, e];
}

function ibanRefine(text: string, s: number, e: number): readonly [number, number] | undefined {
  // the country fixes the length: take exactly that many characters, then check
  const value = text.slice(s, e);
  const want = IBAN_LENGTH[value.slice(0, 2)];
  if (want === undefined) return undefined;
  let n = 0;
  let i = 0;
  for (; i < value.length && n < want; i++) if (value[i] !== ' ') n++;
  if (n < want) return undefined;
  const end = s + i;
  if (end < text.length && /[A-Za-z0-9]/.test(text[end]!)) return undefined;
  if (s > 0 && /[A-Za-z0-9]/.test(text[s - 1]!)) return undefined;
  return iban(text.slice(s, end)) ? [s, end] : undefined;
}

function ipRefine(text: string, s: number, e: number): readonly [number, number] | undefined {
  const value = text.slice(s, e);
  const before = text[s - 1];
  const after = text[e];
  if (value.includes(':')) {
    if (before !== undefined && /[A-Za-z0-9_:.]/.test(before)) return undefined;
    if (after !== undefined && /[A-Za-z0-9_:]/.test(after)) return undefined;
    return ipv6(value) ? [s, e] : undefined;
  }
  return ipv4(value) && notInsideNumber(text, s, e) ? [s, e] : undefined;
}

function jwtRefine(text: string, s: number, e: number): readonly [number, number] | undefined {
  const after = text[e];
  if (after !== undefined && /[A-Za-z0-9_.-]/.test(after)) return undefined;
  return jwt(text.slice(s, e)) ? [s, e] : undefined;
}

function minLengthToken(min: number, extra?: (v: string) => boolean): Refine {
  const bounded = standalone(TOKEN);
  return (text, s, e) => (e - s >= min && (!extra || extra(text.slice(s, e))) ? bounded(text, s, e) : undefined);
}

/** an IPv6 group and a dotted IPv4 address */
const H = '[0-9A-Fa-f]{1,4}';
const V4 = '(?:\\d{1,3}\\.){3}\\d{1,3}';

// `key = "v"`, `"key": "v"`, and the same inside JSON text, where the quotes are
// escaped (`key = \"v\"` in a tool call's arguments)
const ASSIGN = `\\\\?["']?\\s{0,4}(?:[:=]|=>|:=)\\s{0,4}\\\\?["']?`;

const DEFS: Def[] = [
  {
    name: 'pii.email',
    description: 'An email address (local part, domain, alphabetic top-level domain).',
    // the local part is at most 64 characters (RFC 5321; the refinement rejects
    // longer ones anyway): bounded, it keeps the scan within 64 characters before an @
    pattern: `[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\\.[A-Za-z]{2,}`,
    maxLength: 254,
    reach: 1,
    refine: email,
  },
  {
    name: 'pii.credit_card',
    description: 'A payment card number: 12-19 digits, optionally grouped, with a known issuer prefix and a valid Luhn checksum.',
    pattern: `\\b\\d(?:[ -]?\\d){11,18}\\b`,
    maxLength: 23,
    reach: 2,
    refine: cardRefine,
  },
  {
    name: 'pii.us_ssn',
    description: 'A US Social Security number (AAA-GG-SSSS; area not 000, 666 or 9xx, group not 00, serial not 0000); nine bare digits only next to words like "SSN".',
    pattern: `\\b\\d{3}-\\d{2}-\\d{4}\\b|\\b\\d{3} \\d{2} \\d{4}\\b|\\b\\d{9}\\b`,
    maxLength: 11,
    reach: 64,
    refine: ssnRefine,
  },
  {
    name: 'pii.phone',
    description: 'A phone number in international (+CC …) or North American format; not bare digit runs, dates or versions.',
    pattern: `(?:\\+1[ .-]?|\\b1[ .-])?(?:\\(\\d{3}\\)[ .-]?|\\b\\d{3}[ .-])\\d{3}[ .-]\\d{4}\\b|\\+[1-9]\\d{0,3}(?:[ .-]?\\(?\\d{1,5}\\)?){1,6}`,
    maxLength: 32,
    reach: 2,
    refine: groupPrefixes(phone),
  },
  {
    name: 'pii.iban',
    description: 'An International Bank Account Number with the right length for its country and a valid mod-97 checksum.',
    pattern: `\\b[A-Z]{2}\\d{2}(?: ?[A-Z0-9])+\\b`,
    maxLength: 42,
    reach: 1,
    refine: ibanRefine,
  },
  {
    name: 'pii.ip_address',
    description: 'An IPv4 address (octets 0-255) or an IPv6 address; not version numbers or OIDs.',
    pattern: `\\b${V4}\\b|(?:${H}:){7}${H}|(?:${H}:){6}${V4}|(?:(?:${H}:){0,6}${H})?::(?:(?:${H}:){0,5}(?:${H}|${V4}))?`,
    maxLength: 45,
    reach: 2,
    refine: ipRefine,
  },
  {
    name: 'secret.aws_access_key',
    description: 'An AWS access key id (AKIA…, ASIA…; 20 characters).',
    pattern: `\\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]+\\b`,
    maxLength: 20,
    reach: 1,
    refine: (text, s, e) => (e - s === 20 ? standalone(WORD)(text, s, e) : undefined),
  },
  {
    name: 'secret.aws_secret_key',
    description: 'An AWS secret access key: 40 random base64 characters assigned to an AWS secret key name.',
    pattern: `(?i:aws_?secret_?(?:access_?)?key|secret_?access_?key|aws_?secret)${ASSIGN}[A-Za-z0-9/+]+`,
    maxLength: 96,
    reach: 1,
    refine: (text, s, e) => {
      const vs = e - 40;
      if (vs <= s || /[A-Za-z0-9/+]/.test(text[vs - 1]!)) return undefined;
      const value = text.slice(vs, e);
      if (!/^[A-Za-z0-9/+]{40}$/.test(value) || (e < text.length && BASE64.test(text[e]!))) return undefined;
      return charClasses(value) >= 3 && entropy(value) >= 4 && notHashOrUuid(value) ? [vs, e] : undefined;
    },
  },
  {
    name: 'secret.github_token',
    description: 'A GitHub token (ghp_, gho_, ghu_, ghs_, ghr_ with 36 characters, or a fine-grained github_pat_).',
    pattern: `\\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]+\\b|\\bgithub_pat_[A-Za-z0-9]+_[A-Za-z0-9]+\\b`,
    maxLength: 93,
    reach: 1,
    refine: (text, s, e) => {
      const v = text.slice(s, e);
      return v.length === 40 || /^github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}$/.test(v) ? standalone(WORD)(text, s, e) : undefined;
    },
  },
  {
    name: 'secret.private_key',
    description: 'A PEM private key block (-----BEGIN … PRIVATE KEY----- through its END line).',
    pattern: `-----BEGIN[A-Z0-9 ]{0,30} PRIVATE KEY(?: BLOCK)?-----(?:[^-]|-[^-])*(?:-----END[A-Z0-9 ]{0,30} PRIVATE KEY(?: BLOCK)?-----)?`,
    maxLength: 16384,
  },
  {
    name: 'secret.jwt',
    description: 'A JSON Web Token: three base64url parts whose header decodes to JSON with "alg".',
    pattern: `\\beyJ[A-Za-z0-9_-]+\\.eyJ[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*`,
    maxLength: 8192,
    reach: 1,
    refine: jwtRefine,
  },
  {
    name: 'secret.generic_api_key',
    description: 'A high-entropy value assigned to a key, token, secret or password name (not a UUID, hash or placeholder).',
    pattern: `(?i)(?:\\b|_)(?:api_?key|apikey|api_?secret|access_?token|auth_?token|secret_?key|client_?secret|private_?token|token|secret|password|passwd|pwd)${ASSIGN}[A-Za-z0-9_\\-./+=~]+|(?i)\\bauthorization["']?\\s{0,4}:\\s{0,4}["']?bearer\\s+[A-Za-z0-9_\\-./+=~]+`,
    maxLength: 192,
    reach: 1,
    refine: assignedValue(/[A-Za-z0-9_\-./+=~]/, 16, 128, 3.5),
  },
  {
    name: 'secret.slack_token',
    description: 'A Slack token (xoxb-, xoxp-, xoxa-, xoxr-, xoxs-, xapp-) or incoming-webhook URL.',
    pattern: `\\bxox[abeprs]-(?:\\d+-)+[A-Za-z0-9]+\\b|\\bxapp-\\d-[A-Z0-9]+-\\d+-[a-f0-9]+\\b|https://hooks\\.slack\\.com/(?:services|workflows)/T[A-Z0-9]+/[A-Z0-9]+/[A-Za-z0-9]+`,
    maxLength: 256,
    reach: 1,
    refine: minLengthToken(30, (v) => /[0-9]/.test(v.slice(5)) && /[A-Za-z][^-/]*$/.test(v) && v.length - Math.max(v.lastIndexOf('-'), v.lastIndexOf('/')) > 16),
  },
  {
    name: 'secret.stripe_key',
    description: 'A Stripe secret or restricted key (sk_live_, sk_test_, rk_live_, rk_test_).',
    pattern: `\\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]+`,
    maxLength: 128,
    reach: 1,
    refine: minLengthToken(32, (v) => charClasses(v.slice(8)) >= 2),
  },
  {
    name: 'secret.openai_api_key',
    description: 'An OpenAI API key (sk-… legacy, sk-proj-…, sk-svcacct-…, sk-admin-…).',
    pattern: `\\bsk-(?:(?:proj|svcacct|admin)-[A-Za-z0-9_-]+|[A-Za-z0-9]+)`,
    maxLength: 256,
    reach: 1,
    refine: (text, s, e) => {
      const v = text.slice(s, e);
      const body = v.replace(/^sk-(?:proj-|svcacct-|admin-)?/, '');
      const min = body.length === v.length - 3 ? 32 : 40;
      if (body.length < min || charClasses(body.replace(/[_-]/g, '')) < 3 || entropy(body) < 3.5) return undefined;
      return standalone(TOKEN)(text, s, e);
    },
  },
  {
    name: 'secret.anthropic_api_key',
    description: 'An Anthropic API key (sk-ant-api03-…, sk-ant-admin01-…).',
    pattern: `\\bsk-ant-(?:api|admin)\\d\\d-[A-Za-z0-9_-]+`,
    maxLength: 160,
    reach: 1,
    refine: minLengthToken(60),
  },
  {
    name: 'secret.google_api_key',
    description: 'A Google API key (AIza followed by 35 characters).',
    pattern: `\\bAIza[0-9A-Za-z_-]+`,
    maxLength: 40,
    reach: 1,
    refine: (text, s, e) => (e - s === 39 ? standalone(TOKEN)(text, s, e) : undefined),
  },
];

export const LIBRARY_DEFS: readonly ClassifierDef[] = DEFS.map((d) => ({ ...d, checks: d.checks ?? [], origin: 'library' as const }));
