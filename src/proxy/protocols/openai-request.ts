import { childPath, isObject, kind, mapItems, own, withKey, type JsonObject } from './json.js';
import { fail, textField, type TextRewrite } from './request.js';

// Where the prompt texts of an OpenAI request live. One walk per operation visits
// every text in request order and returns the body with each text replaced by what
// the visitor returned, so `parse` (collect) and `rewriteRequestTexts` (redact) can
// never disagree about which texts exist. A field of the wrong type is refused with
// its path, because a text the gateway cannot read must not reach the model.
//
// Texts, per operation:
// - chat: each message's `content` (a string, or parts: `text` parts, `refusal`
//   parts, and any other part that carries a string `text`), an assistant message's
//   `refusal`, its `tool_calls[].function.arguments` / `.custom.input` and legacy
//   `function_call.arguments` (earlier model output sent back is prompt text too),
//   then `prediction.content`. Image, audio and file parts are not text.
// - completion: `prompt` (a string or strings), then `suffix`.
// - embedding: `input` (a string or strings).
//   Token-array prompts and inputs (numbers) are refused: they cannot be classified,
//   so accepting them would let any text past the policy.
// - responses: `instructions`, the string values of `prompt.variables`, then
//   `input` (a string, or items: messages with string or part content —
//   `input_text`, `output_text`, `refusal`, any part with a string `text` — function
//   and custom tool calls' arguments/input and their outputs, reasoning summaries
//   and texts, MCP calls' arguments and output).

type Walk = (body: JsonObject, f: TextRewrite) => JsonObject;

function list(o: JsonObject, key: string, path: string): unknown[] | undefined {
  const v = own(o, key);
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) fail(path, `must be an array, got ${kind(v)}`);
  return v as unknown[];
}

function object(v: unknown, path: string, what: string): JsonObject {
  if (!isObject(v)) fail(path, `${what} must be an object, got ${kind(v)}`);
  return v as JsonObject;
}

/** A content part (chat or responses): which field holds its text, if any. */
function partField(part: JsonObject, textTypes: readonly string[]): string | undefined {
  const type = own(part, 'type');
  if (typeof type === 'string' && textTypes.includes(type)) return 'text';
  if (type === 'refusal') return 'refusal';
  // a part kind this walk does not know that still carries text is inspected anyway
  return typeof own(part, 'text') === 'string' ? 'text' : undefined;
}

function contentParts(v: unknown, path: string, f: TextRewrite, textTypes: readonly string[]): unknown {
  if (v === undefined || v === null) return v;
  if (typeof v === 'string') return f(v);
  if (!Array.isArray(v)) fail(path, `must be a string or an array of content parts, got ${kind(v)}`);
  return mapItems(v as unknown[], (p, i) => {
    const at = childPath(path, i);
    const part = object(p, at, 'a content part');
    const field = partField(part, textTypes);
    if (field === undefined) return part;
    if (typeof own(part, field) !== 'string') fail(childPath(at, field), `a ${String(own(part, 'type'))} part needs a "${field}" string`);
    return textField(part, field, childPath(at, field), f);
  });
}

function nestedText(o: JsonObject, key: string, field: string, path: string, f: TextRewrite): JsonObject {
  const v = own(o, key);
  if (v === undefined || v === null) return o;
  const inner = object(v, path, key);
  return withKey(o, key, textField(inner, field, childPath(path, field), f));
}

function chatMessage(m: unknown, path: string, f: TextRewrite): unknown {
  let msg = object(m, path, 'a message');
  msg = withKey(msg, 'content', contentParts(own(msg, 'content'), childPath(path, 'content'), f, ['text']));
  msg = textField(msg, 'refusal', childPath(path, 'refusal'), f);
  const calls = list(msg, 'tool_calls', childPath(path, 'tool_calls'));
  if (calls) {
    const callsPath = childPath(path, 'tool_calls');
    msg = withKey(
      msg,
      'tool_calls',
      mapItems(calls, (c, i) => {
        const at = childPath(callsPath, i);
        let call = object(c, at, 'a tool call');
        call = nestedText(call, 'function', 'arguments', childPath(at, 'function'), f);
        return nestedText(call, 'custom', 'input', childPath(at, 'custom'), f);
      }),
    );
  }
  return nestedText(msg, 'function_call', 'arguments', childPath(path, 'function_call'), f);
}

export const chatTexts: Walk = (body, f) => {
  const messages = own(body, 'messages');
  if (messages === undefined) fail('$.messages', 'is required');
  if (!Array.isArray(messages)) fail('$.messages', `must be an array of messages, got ${kind(messages)}`);
  let out = withKey(
    body,
    'messages',
    mapItems(messages as unknown[], (m, i) => chatMessage(m, `$.messages[${i}]`, f)),
  );
  const prediction = own(out, 'prediction');
  if (prediction !== undefined && prediction !== null) {
    const p = object(prediction, '$.prediction', 'prediction');
    out = withKey(out, 'prediction', withKey(p, 'content', contentParts(own(p, 'content'), '$.prediction.content', f, ['text'])));
  }
  return out;
};

/** A prompt or input: a string or an array of strings; token arrays are refused. */
function stringOrStrings(o: JsonObject, key: string, f: TextRewrite, required: boolean): JsonObject {
  const path = `$.${key}`;
  const v = own(o, key);
  if (v === undefined || v === null) {
    if (required) fail(path, 'is required');
    return o;
  }
  if (typeof v === 'string') return withKey(o, key, f(v));
  if (!Array.isArray(v)) fail(path, `must be a string or an array of strings, got ${kind(v)}`);
  const arr = v as unknown[];
  if (arr.some((x) => typeof x === 'number' || Array.isArray(x))) {
    fail(path, 'token arrays cannot be inspected by the gateway; send the text as a string or an array of strings');
  }
  return withKey(
    o,
    key,
    mapItems(arr, (x, i) => {
      if (typeof x !== 'string') fail(childPath(path, i), `must be a string, got ${kind(x)}`);
      return f(x as string);
    }),
  );
}

export const completionTexts: Walk = (body, f) => textField(stringOrStrings(body, 'prompt', f, false), 'suffix', '$.suffix', f);

export const embeddingTexts: Walk = (body, f) => stringOrStrings(body, 'input', f, true);

const RESPONSE_TEXT_PARTS = ['input_text', 'output_text', 'text'] as const;

/** A tool output: a string or parts. */
function outputField(item: JsonObject, key: string, path: string, f: TextRewrite): JsonObject {
  return withKey(item, key, contentParts(own(item, key), childPath(path, key), f, RESPONSE_TEXT_PARTS));
}

function textList(item: JsonObject, key: string, path: string, f: TextRewrite): JsonObject {
  const arr = list(item, key, childPath(path, key));
  if (!arr) return item;
  const at = childPath(path, key);
  return withKey(
    item,
    key,
    mapItems(arr, (x, i) => textField(object(x, childPath(at, i), `a ${key} entry`), 'text', childPath(childPath(at, i), 'text'), f)),
  );
}

function responsesItem(x: unknown, path: string, f: TextRewrite): unknown {
  const item = object(x, path, 'an input item');
  const type = own(item, 'type');
  switch (type) {
    case undefined:
    case 'message':
      return withKey(item, 'content', contentParts(own(item, 'content'), childPath(path, 'content'), f, RESPONSE_TEXT_PARTS));
    case 'function_call':
      return textField(item, 'arguments', childPath(path, 'arguments'), f);
    case 'custom_tool_call':
      return textField(item, 'input', childPath(path, 'input'), f);
    case 'function_call_output':
    case 'custom_tool_call_output':
      return outputField(item, 'output', path, f);
    case 'reasoning':
      return textList(textList(item, 'summary', path, f), 'content', path, f);
    case 'mcp_call':
      return textField(textField(item, 'arguments', childPath(path, 'arguments'), f), 'output', childPath(path, 'output'), f);
    default:
      // images, files, searches, computer actions, item references: no prompt text
      return item;
  }
}

export const responsesTexts: Walk = (body, f) => {
  let out = textField(body, 'instructions', '$.instructions', f);
  const prompt = own(out, 'prompt');
  if (prompt !== undefined && prompt !== null) {
    const p = object(prompt, '$.prompt', 'prompt');
    const vars = own(p, 'variables');
    if (vars !== undefined && vars !== null) {
      const vs = object(vars, '$.prompt.variables', 'prompt.variables');
      let nv = vs;
      for (const k of Object.keys(vs)) {
        const at = childPath('$.prompt.variables', k);
        const v = own(vs, k);
        if (typeof v === 'string') nv = withKey(nv, k, f(v));
        else if (isObject(v) && own(v, 'type') === 'input_text') nv = withKey(nv, k, textField(v, 'text', childPath(at, 'text'), f));
      }
      out = withKey(out, 'prompt', withKey(p, 'variables', nv));
    }
  }
  const input = own(out, 'input');
  if (input === undefined || input === null) return out;
  if (typeof input === 'string') return withKey(out, 'input', f(input));
  if (!Array.isArray(input)) fail('$.input', `must be a string or an array of input items, got ${kind(input)}`);
  return withKey(
    out,
    'input',
    mapItems(input as unknown[], (x, i) => responsesItem(x, `$.input[${i}]`, f)),
  );
};
