// Realistic text with sensitive values, for the masking tests and the response
// guards' tests: prose, e-mail addresses, card numbers valid by Luhn, AWS keys, JWTs,
// private key blocks, GitHub tokens, assigned API keys, and a policy's own
// classifiers (codenames by keyword, project ids with context words) compiled from
// .gate source by the real parser.

import fc from 'fast-check';
import { parseModule } from '../../src/lang/parse.js';
import type { MaskRule } from '../../src/proxy/decision.js';
import { compileClassifiers } from '../../src/runtime/classifiers/index.js';
import type { ClassifierSet } from '../../src/runtime/classifiers/types.js';
import { entropy } from '../../src/runtime/classifiers/validators.js';

const POLICY = `package railgate.test

classifier codename {
	keywords ["ORION", "BLUEBIRD", "NIGHTJAR"]
	ignore_case
}

classifier project_id {
	pattern \`\\b[A-Z]{2,6}-\\d{2,6}\\b\`
	context ["project", "ticket"]
	max_length 13
}
`;

/** The built-in library plus the two classifiers above (or those of `source`). */
export function classifierSet(source = POLICY): ClassifierSet {
  const parsed = parseModule(source, 'test.gate');
  if (!parsed.module) throw new Error(`fixture policy does not parse: ${parsed.diagnostics.map((d) => d.message).join('; ')}`);
  const { set, diagnostics } = compileClassifiers(parsed.module.classifiers);
  if (diagnostics.length > 0) throw new Error(`fixture classifiers: ${diagnostics.map((d) => d.message).join('; ')}`);
  return set;
}

export const MASKED = [
  'pii.email',
  'pii.credit_card',
  'pii.us_ssn',
  'pii.phone',
  'secret.aws_access_key',
  'secret.jwt',
  'secret.private_key',
  'secret.github_token',
  'secret.generic_api_key',
  'codename',
  'project_id',
];

/** Mask rules for every classifier above, with replacements that name them. */
export function maskRules(names: readonly string[] = MASKED): MaskRule[] {
  return names.map((c) => ({ classifier: c, replacement: `[${c.toUpperCase()}]`, action: 'mask' as const }));
}

const digit = fc.integer({ min: 0, max: 9 });

function luhnDigit(body: number[]): number {
  let sum = 0;
  for (let i = body.length - 1, dbl = true; i >= 0; i--, dbl = !dbl) {
    let x = body[i]!;
    if (dbl) {
      x *= 2;
      if (x > 9) x -= 9;
    }
    sum += x;
  }
  return (10 - (sum % 10)) % 10;
}

/** A Visa or Mastercard number valid by Luhn: bare, or in groups of four by spaces or dashes. */
export const cardNumber = fc
  .tuple(fc.constantFrom([4], [5, 1], [5, 5]), fc.array(digit, { minLength: 14, maxLength: 14 }), fc.constantFrom('', ' ', '-'))
  .map(([prefix, rest, sep]) => {
    const body = [...prefix, ...rest].slice(0, 15);
    const all = [...body, luhnDigit(body)].join('');
    return sep === '' ? all : all.match(/.{4}/g)!.join(sep);
  });

const lower = 'abcdefghijklmnopqrstuvwxyz';
const alnum = `${lower}ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789`;
const chars = (set: string, min: number, max: number) => fc.array(fc.constantFrom(...set), { minLength: min, maxLength: max }).map((c) => c.join(''));

export const email = fc
  .tuple(chars(lower, 1, 8), fc.constantFrom('', '.', '_', '+'), chars(lower, 1, 6), chars(lower, 2, 9), fc.constantFrom('com', 'org', 'io', 'co.uk'))
  .map(([a, sep, b, dom, tld]) => `${a}${sep}${b}@${dom}.${tld}`);

export const awsKey = chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16, 16).map((s) => `AKIA${s}`);

/**
 * Random enough to pass the entropy and character-class checks, and not spelling a
 * placeholder word the generic key classifier deliberately ignores (`sk-xxxx…`,
 * `your_key`, …): a random value may, once in a few thousand runs.
 */
const secretValue = chars(alnum, 20, 24).filter(
  (v) => /[0-9]/.test(v) && /[a-z]/.test(v) && /[A-Z]/.test(v) && entropy(v) >= 3.8 && !/your|example|sample|dummy|placeholder|changeme|redacted|xxxx/i.test(v),
);

export const githubToken = chars(alnum, 36, 36).map((s) => `ghp_${s}`);

export const assignedKey = fc.tuple(fc.constantFrom('api_key', 'token', 'client_secret'), fc.constantFrom(' = ', ': ', '='), secretValue).map(([k, op, v]) => ({ text: `${k}${op}"${v}"`, value: v }));

const b64url = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
export const jwt = fc
  .tuple(fc.constantFrom('HS256', 'RS256'), chars(alnum, 4, 12), chars(`${alnum}-_`, 20, 43))
  .map(([alg, sub, sig]) => `${b64url({ alg, typ: 'JWT' })}.${b64url({ sub, iat: 1_700_000_000 })}.${sig}`);

const KEY_WORDS = `PRIVATE${' '}KEY`;
export const privateKey = fc
  .tuple(fc.constantFrom('RSA ', 'EC ', ''), fc.array(chars(`${alnum}+/`, 64, 64), { minLength: 1, maxLength: 4 }))
  .map(([kind, lines]) => `-----BEGIN ${kind}${KEY_WORDS}-----\n${lines.join('\n')}\n-----END ${kind}${KEY_WORDS}-----`);

export const codename = fc.constantFrom('ORION', 'Bluebird', 'nightjar');
export const projectId = fc.tuple(fc.constantFrom('PAY', 'INFRA', 'OPS'), fc.integer({ min: 10, max: 99999 })).map(([a, n]) => `${a}-${n}`);

export const prose = fc.constantFrom(
  'The quick brown fox jumps over the lazy dog. ',
  'Here is what you asked for: ',
  'Sure! ',
  'please ',
  'contact ',
  ' and ',
  ', ',
  '\n',
  '\n\n',
  'café – naïve 😀 ',
  'version 1.2.3 released on 2024-05-01 ',
  'call me at +44 20 7946 0958 ',
  'SSN: 536-22-5674 ',
  'ticket ',
  'project ',
  'token ',
  'card: ',
  '- item\n',
  '-- ',
  'AKIA ',
  'eyJ ',
  'The end.',
  '4111 ',
  'key=',
  '@',
);

export interface Piece {
  text: string;
  /** the sensitive value in it, if any: it must never reach a client */
  secret?: string;
}

/** One piece of a response: prose, or a sensitive value with the words around it. */
export const piece: fc.Arbitrary<Piece> = fc.oneof(
  { weight: 6, arbitrary: prose.map((text) => ({ text })) },
  email.map((v) => ({ text: v, secret: v })),
  cardNumber.map((v) => ({ text: `card ${v} `, secret: v })),
  awsKey.map((v) => ({ text: ` ${v} `, secret: v })),
  jwt.map((v) => ({ text: `Bearer ${v}\n`, secret: v })),
  privateKey.map((v) => ({ text: `\n${v}\n`, secret: v })),
  githubToken.map((v) => ({ text: ` ${v}.`, secret: v })),
  assignedKey.map((k) => ({ text: ` ${k.text} `, secret: k.value })),
  codename.map((v) => ({ text: ` ${v} `, secret: v })),
  projectId.map((v) => ({ text: `ticket ${v} `, secret: v })),
);

export const document = fc.array(piece, { minLength: 1, maxLength: 10 });

/** The text of a document: its pieces, a space apart (so each value stands alone). */
export function render(pieces: readonly Piece[]): string {
  return pieces.map((p) => p.text).join(' ');
}

export function secretsOf(pieces: readonly Piece[]): string[] {
  return pieces.flatMap((p) => (p.secret ? [p.secret] : []));
}

/** Cut points for a text of length n: where to split it into chunks. */
export function splits(n: number, cuts: readonly number[]): number[] {
  return [...new Set(cuts.map((c) => c % (n + 1)))].sort((a, b) => a - b);
}

/** `text` cut at the given points. */
export function chunksOf(text: string, cuts: readonly number[]): string[] {
  const at = [0, ...splits(text.length, cuts), text.length];
  const out: string[] = [];
  for (let i = 1; i < at.length; i++) if (at[i]! > at[i - 1]!) out.push(text.slice(at[i - 1], at[i]));
  return out;
}
