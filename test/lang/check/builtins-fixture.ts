// Builtin signatures for the checker's tests, written from OPA's documented types so
// the tests do not depend on how far the runtime's BUILTINS table has got. Only the
// shape the checker reads (args, result, minArgs) is given.
import type { BuiltinSignature } from '../../../src/lang/check/index.js';

const A = 'any';
const table: Array<[string, string[], string, number?]> = [
  // operators
  ['equal', [A, A], 'boolean'],
  ['neq', [A, A], 'boolean'],
  ['lt', [A, A], 'boolean'],
  ['lte', [A, A], 'boolean'],
  ['gt', [A, A], 'boolean'],
  ['gte', [A, A], 'boolean'],
  ['plus', ['number', 'number'], 'number'],
  ['minus', ['number|set', 'number|set'], 'number|set'],
  ['mul', ['number', 'number'], 'number'],
  ['div', ['number', 'number'], 'number'],
  ['rem', ['number', 'number'], 'number'],
  ['and', ['set', 'set'], 'set'],
  ['or', ['set', 'set'], 'set'],
  // aggregates
  ['count', ['array|object|set|string'], 'number'],
  ['sum', ['array|set'], 'number'],
  ['product', ['array|set'], 'number'],
  ['max', ['array|set'], A],
  ['min', ['array|set'], A],
  ['sort', ['array|set'], 'array'],
  // numbers
  ['abs', ['number'], 'number'],
  ['round', ['number'], 'number'],
  ['ceil', ['number'], 'number'],
  ['floor', ['number'], 'number'],
  ['numbers.range', ['number', 'number'], 'array'],
  ['to_number', ['null|boolean|number|string'], 'number'],
  ['format_int', ['number', 'number'], 'string'],
  // strings
  ['concat', ['string', 'array|set'], 'string'],
  ['contains', ['string', 'string'], 'boolean'],
  ['startswith', ['string', 'string'], 'boolean'],
  ['endswith', ['string', 'string'], 'boolean'],
  ['lower', ['string'], 'string'],
  ['upper', ['string'], 'string'],
  ['split', ['string', 'string'], 'array'],
  ['strings.split_n', ['string', 'string', 'number'], 'array'],
  ['replace', ['string', 'string', 'string'], 'string'],
  ['substring', ['string', 'number', 'number'], 'string'],
  ['trim', ['string', 'string'], 'string'],
  ['trim_space', ['string'], 'string'],
  ['indexof', ['string', 'string'], 'number'],
  ['indexof_n', ['string', 'string'], 'array'],
  ['sprintf', ['string', 'array'], 'string'],
  ['strings.count', ['string', 'string'], 'number'],
  ['strings.any_prefix_match', ['array|set|string', 'array|set|string'], 'boolean'],
  ['strings.any_suffix_match', ['array|set|string', 'array|set|string'], 'boolean'],
  // regex
  ['regex.match', ['string', 'string'], 'boolean'],
  ['regex.split', ['string', 'string'], 'array'],
  ['regex.replace', ['string', 'string', 'string'], 'string'],
  ['regex.find_n', ['string', 'string', 'number'], 'array'],
  ['regex.is_valid', ['string'], 'boolean'],
  // arrays, sets, objects
  ['array.concat', ['array', 'array'], 'array'],
  ['array.slice', ['array', 'number', 'number'], 'array'],
  ['array.reverse', ['array'], 'array'],
  ['array.flatten', ['array'], 'array'],
  ['intersection', ['set'], 'set'],
  ['union', ['set'], 'set'],
  ['object.get', ['object', A, A], A],
  ['object.keys', ['object'], 'set'],
  ['object.union', ['object', 'object'], 'object'],
  ['object.union_n', ['array'], 'object'],
  ['object.remove', ['object', 'array|object|set'], 'object'],
  // types, encoding, time
  ['is_string', [A], 'boolean'],
  ['is_number', [A], 'boolean'],
  ['is_boolean', [A], 'boolean'],
  ['is_array', [A], 'boolean'],
  ['is_set', [A], 'boolean'],
  ['is_object', [A], 'boolean'],
  ['is_null', [A], 'boolean'],
  ['type_name', [A], 'string'],
  ['json.marshal', [A], 'string'],
  ['json.unmarshal', ['string'], A],
  ['base64.encode', ['string'], 'string'],
  ['base64.decode', ['string'], 'string'],
  ['units.parse_bytes', ['string'], 'number'],
  ['time.now_ns', [], 'number'],
  ['print', [A], 'null', 0],
  // outside the core; present so conformance modules that call them are checked for the rest
  ['http.send', ['object'], 'object'],
  ['io.jwt.decode_verify', ['string', 'object'], 'array'],
  // guardrail
  ['classify', ['string', 'array|set'], 'set', 1],
  ['find', ['string', 'string'], 'array'],
  ['redact', ['string', 'array|set', 'string'], 'string'],
  ['tokens', ['string'], 'number'],
];

export const BUILTIN_SIGNATURES: ReadonlyMap<string, BuiltinSignature> = new Map(
  table.map(([name, args, result, minArgs]) => [name, minArgs === undefined ? { args, result } : { args, result, minArgs }]),
);

export const CLASSIFIER_NAMES: ReadonlySet<string> = new Set(['pii.email', 'pii.credit_card', 'pii.us_ssn', 'pii.phone', 'secret.aws_access_key']);
