import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { formatPath, fromPointer, type Segment } from './path.js';
import type { Report } from './report.js';
import { CONFIG_SCHEMA, type SchemaNode } from './schema.js';
import { closest } from './suggest.js';

// The schema check: ajv with every error collected, each turned into one message
// that names the key path ("connections[0].timeouts.connect must be a duration like
// 5s or 250ms, got true") instead of ajv's "must be string".

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (compiled === undefined) {
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true });
    ajv.addKeyword({ keyword: 'x-expected', schemaType: 'string' });
    ajv.addKeyword({ keyword: 'x-sensitive', schemaType: 'boolean' });
    compiled = ajv.compile(CONFIG_SCHEMA);
  }
  return compiled;
}

/** Checks `value` against the schema; every problem goes to `report`. Returns whether it passed. */
export function validateShape(value: unknown, report: Report): boolean {
  if (value === null || value === undefined) {
    report.addGeneral('the configuration is empty', 'start from examples/railgate.yaml');
    return false;
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    report.addGeneral(
      `the configuration must be a mapping of keys (${Object.keys(CONFIG_SCHEMA.properties!).join(', ')}), got ${Array.isArray(value) ? 'a list' : 'a single value'}`,
    );
    return false;
  }
  const validate = validator();
  if (validate(value)) return true;
  for (const e of validate.errors ?? []) translate(e, value, report);
  return false;
}

function translate(e: ErrorObject, doc: unknown, report: Report): void {
  const path = fromPointer(e.instancePath, doc);
  const schema = e.parentSchema as SchemaNode | undefined;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String((e.params as { additionalProperty: string }).additionalProperty);
      const full: Segment[] = [...path, key];
      const allowed = Object.keys(schema?.properties ?? {});
      const guess = closest(key, allowed);
      const where = path.length === 0 ? 'at the top level' : `in ${formatPath(path)}`;
      report.add(full, `unknown key ${formatPath(full)}${guess ? ` (did you mean ${guess}?)` : ''}`, {
        hint: `the keys allowed ${where} are ${allowed.join(', ')}`,
      });
      return;
    }
    case 'required': {
      const key = String((e.params as { missingProperty: string }).missingProperty);
      const full: Segment[] = [...path, key];
      const expected = schema?.properties?.[key]?.['x-expected'];
      report.add(full, `missing key ${formatPath(full)}`, {
        at: path,
        ...(expected ? { hint: `add ${key}: ${expected}` } : {}),
      });
      return;
    }
    case 'uniqueItems': {
      const { i, j } = e.params as { i: number; j: number };
      report.add(path, `${formatPath(path)} lists the same value twice (items ${j} and ${i})`, { hint: 'remove the duplicate' });
      return;
    }
    default: {
      const expected = schema?.['x-expected'] ?? expectedFrom(e);
      report.add(path, `${formatPath(path)} must be ${expected}, ${report.got(path, e.data)}`);
    }
  }
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  null: 'null',
};

function expectedFrom(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'type': {
      const types = Array.isArray(p['type']) ? (p['type'] as string[]) : String(p['type']).split(',');
      return types.map((t) => TYPE_WORDS[t] ?? t).join(' or ');
    }
    case 'enum':
      return `one of ${(p['allowedValues'] as unknown[]).map(String).join(', ')}`;
    case 'minLength':
      return 'a non-empty string';
    case 'minItems':
      return p['limit'] === 1 ? 'a non-empty list' : `a list of at least ${String(p['limit'])} items`;
    case 'minimum':
      return `at least ${String(p['limit'])}`;
    case 'maximum':
      return `at most ${String(p['limit'])}`;
    default:
      return 'valid';
  }
}
