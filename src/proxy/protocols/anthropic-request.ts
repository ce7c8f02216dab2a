import { childPath, isObject, kind, mapItems, mapLeaves, MAX_DEPTH, own, withKey, type JsonObject } from './json.js';
import { fail, requestTooDeep, textField, type TextRewrite } from './request.js';

// Where the prompt texts of an Anthropic Messages request live: `system` (a string
// or text blocks), then each message's `content` (a string or blocks), in order.
// Blocks with text: `text`; `thinking` (earlier reasoning sent back — rewriting it
// breaks its signature, so the upstream will refuse a redacted one: fail closed);
// `tool_use` / `server_tool_use` `input` — a JSON object, whose string leaves are
// the texts (keys are not), so redaction keeps it a valid object; `tool_result`
// `content` (a string or blocks); `document` with a plain-text or content source,
// and its `title` and `context`; `search_result` `title` and `content`; any other
// block that carries a string `text`. Images, redacted thinking and uploads are not
// text. A known field of the wrong type is refused with its path.

function blocks(v: unknown, path: string, f: TextRewrite, depth: number): unknown {
  if (v === undefined || v === null) return v;
  if (typeof v === 'string') return f(v);
  if (!Array.isArray(v)) fail(path, `must be a string or an array of content blocks, got ${kind(v)}`);
  if (depth >= MAX_DEPTH) requestTooDeep(path);
  return mapItems(v as unknown[], (b, i) => block(b, childPath(path, i), f, depth + 1));
}

function required(o: JsonObject, key: string, path: string, f: TextRewrite): JsonObject {
  if (typeof own(o, key) !== 'string') fail(childPath(path, key), `a ${String(own(o, 'type'))} block needs a "${key}" string`);
  return textField(o, key, childPath(path, key), f);
}

function block(b: unknown, path: string, f: TextRewrite, depth: number): unknown {
  if (!isObject(b)) fail(path, `a content block must be an object, got ${kind(b)}`);
  const o = b as JsonObject;
  switch (own(o, 'type')) {
    case 'text':
      return required(o, 'text', path, f);
    case 'thinking':
      return required(o, 'thinking', path, f);
    case 'tool_use':
    case 'server_tool_use':
    case 'mcp_tool_use': {
      const input = own(o, 'input');
      return withKey(o, 'input', mapLeaves(input, childPath(path, 'input'), (t) => f(t), requestTooDeep));
    }
    case 'tool_result':
    case 'mcp_tool_result':
      return withKey(o, 'content', blocks(own(o, 'content'), childPath(path, 'content'), f, depth));
    case 'document': {
      let out = o;
      const source = own(o, 'source');
      if (isObject(source)) {
        const sp = childPath(path, 'source');
        if (own(source, 'type') === 'text') out = withKey(out, 'source', required(source, 'data', sp, f));
        else if (own(source, 'type') === 'content') out = withKey(out, 'source', withKey(source, 'content', blocks(own(source, 'content'), childPath(sp, 'content'), f, depth)));
      }
      out = textField(out, 'title', childPath(path, 'title'), f);
      return textField(out, 'context', childPath(path, 'context'), f);
    }
    case 'search_result': {
      const out = textField(o, 'title', childPath(path, 'title'), f);
      return withKey(out, 'content', blocks(own(out, 'content'), childPath(path, 'content'), f, depth));
    }
    default:
      // images, redacted thinking, uploads: no text; an unknown block with text is still inspected
      return typeof own(o, 'text') === 'string' ? textField(o, 'text', childPath(path, 'text'), f) : o;
  }
}

export function messagesTexts(body: JsonObject, f: TextRewrite): JsonObject {
  let out = withKey(body, 'system', blocks(own(body, 'system'), '$.system', f, 0));
  const messages = own(out, 'messages');
  if (messages === undefined) fail('$.messages', 'is required');
  if (!Array.isArray(messages)) fail('$.messages', `must be an array of messages, got ${kind(messages)}`);
  out = withKey(
    out,
    'messages',
    mapItems(messages as unknown[], (m, i) => {
      const at = `$.messages[${i}]`;
      if (!isObject(m)) fail(at, `a message must be an object, got ${kind(m)}`);
      const msg = m as JsonObject;
      return withKey(msg, 'content', blocks(own(msg, 'content'), childPath(at, 'content'), f, 0));
    }),
  );
  return out;
}
