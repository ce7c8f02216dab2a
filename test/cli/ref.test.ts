import { describe, expect, it } from 'vitest';
import { parseDataRef } from '../../src/cli/ref.js';

describe('parseDataRef', () => {
  it.each([
    ['data', []],
    ['data.railgate.chat', ['railgate', 'chat']],
    [' data.app.rbac.allow ', ['app', 'rbac', 'allow']],
    ['data.x["a-b"][0].y', ['x', 'a-b', 0, 'y']],
    ['data["quo\\"te"]', ['quo"te']],
  ])('parses %s', (text, path) => {
    expect(parseDataRef(text)).toEqual({ ok: true, path });
  });

  it.each([
    ['input.user', 'must start with data'],
    ['database.x', 'must start with data'],
    ['data.', 'expected a name after "." at position 6'],
    ['data.x[', 'expected a "string" or an integer'],
    ['data.x["a"', 'expected "]"'],
    ['data.x["a', 'unterminated string'],
    ['data.x y', 'unexpected " "'],
  ])('rejects %s', (text, message) => {
    const r = parseDataRef(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain(message);
  });
});
