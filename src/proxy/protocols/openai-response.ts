import { responseTooDeep } from './errors.js';
import { childPath, isObject, mapItems, mapLeaves, own, withKey, type JsonObject, type Visit } from './json.js';

export type { Visit } from './json.js';

// Where generated text lives in an OpenAI response body (and in the whole objects
// that Responses API stream events repeat). Upstream bodies are not validated — a
// field that is absent is skipped — but a text field holding something other than a
// string has every string inside it visited, so an unexpected shape is masked rather
// than passed on. Log probabilities are emptied in a rewritten body: they repeat the
// generated text token by token, where no mask can see a value whole.
//
// - chat: `choices[].message`: `content` (a string or parts), `refusal`,
//   `reasoning_content` / `reasoning` (OpenAI-compatible servers), `tool_calls[]`
//   `.function.arguments` / `.custom.input`, legacy `function_call.arguments`,
//   `audio.transcript`.
// - completion: `choices[].text`.
// - responses: `output[]`: message content parts (`output_text.text`,
//   `refusal.refusal`), function call `arguments`, custom tool call `input`,
//   reasoning `summary[].text` / `content[].text`, MCP call `arguments` / `output`,
//   code interpreter `code`, file search `results[].text`; and `output_text` when a
//   server includes it.

/** A generated-text field: a string is visited; any other value has its string leaves visited. */
export function slot(o: JsonObject, key: string, path: string, f: Visit): JsonObject {
  const v = own(o, key);
  if (v === undefined || v === null) return o;
  const at = childPath(path, key);
  return withKey(o, key, typeof v === 'string' ? f(v, at) : mapLeaves(v, at, f, responseTooDeep));
}

/** Each element of an array field through `g` (absent or not an array: untouched). */
function each(o: JsonObject, key: string, path: string, g: (x: JsonObject, at: string) => JsonObject): JsonObject {
  const v = own(o, key);
  if (!Array.isArray(v)) return o;
  const at = childPath(path, key);
  return withKey(o, key, mapItems(v, (x, i) => (isObject(x) ? g(x, childPath(at, i)) : x)));
}

function inner(o: JsonObject, key: string, path: string, g: (x: JsonObject, at: string) => JsonObject): JsonObject {
  const v = own(o, key);
  return isObject(v) ? withKey(o, key, g(v, childPath(path, key))) : o;
}

/** Log probabilities emptied, keeping the field's type (an array stays an array). */
export function withoutLogprobs(o: JsonObject): JsonObject {
  const v = own(o, 'logprobs');
  if (v === undefined || v === null) return o;
  if (Array.isArray(v)) return v.length === 0 ? o : withKey(o, 'logprobs', []);
  return withKey(o, 'logprobs', null);
}

/** Chat content: a string, or parts whose `text` is visited. */
function chatContent(o: JsonObject, path: string, f: Visit): JsonObject {
  const v = own(o, 'content');
  if (!Array.isArray(v)) return slot(o, 'content', path, f);
  return each(o, 'content', path, (part, at) => (typeof own(part, 'text') === 'string' ? slot(part, 'text', at, f) : slot(part, 'refusal', at, f)));
}

export function chatMessageTexts(m: JsonObject, path: string, f: Visit): JsonObject {
  let out = chatContent(m, path, f);
  out = slot(out, 'refusal', path, f);
  out = slot(out, 'reasoning_content', path, f);
  out = slot(out, 'reasoning', path, f);
  out = each(out, 'tool_calls', path, (call, at) => {
    const c = inner(call, 'function', at, (fn, p) => slot(fn, 'arguments', p, f));
    return inner(c, 'custom', at, (cu, p) => slot(cu, 'input', p, f));
  });
  out = inner(out, 'function_call', path, (fc, p) => slot(fc, 'arguments', p, f));
  return inner(out, 'audio', path, (a, p) => slot(a, 'transcript', p, f));
}

export function chatResponseTexts(body: unknown, f: Visit): unknown {
  if (!isObject(body)) return body;
  return each(body, 'choices', '$', (choice, at) => withoutLogprobs(inner(choice, 'message', at, (m, p) => chatMessageTexts(m, p, f))));
}

export function completionResponseTexts(body: unknown, f: Visit): unknown {
  if (!isObject(body)) return body;
  return each(body, 'choices', '$', (choice, at) => withoutLogprobs(slot(choice, 'text', at, f)));
}

/** A Responses API content part (message content, a streamed part). */
export function responsesPartTexts(part: JsonObject, path: string, f: Visit): JsonObject {
  const type = own(part, 'type');
  if (type === 'refusal') return slot(part, 'refusal', path, f);
  if (typeof own(part, 'text') === 'string' || type === 'output_text' || type === 'reasoning_text' || type === 'summary_text') {
    return withoutLogprobs(slot(part, 'text', path, f));
  }
  return part;
}

/** A Responses API output item. */
export function responsesItemTexts(item: JsonObject, path: string, f: Visit): JsonObject {
  switch (own(item, 'type')) {
    case 'message':
      return each(item, 'content', path, (p, at) => responsesPartTexts(p, at, f));
    case 'function_call':
      return slot(item, 'arguments', path, f);
    case 'custom_tool_call':
      return slot(item, 'input', path, f);
    case 'reasoning':
      return each(each(item, 'summary', path, (p, at) => responsesPartTexts(p, at, f)), 'content', path, (p, at) => responsesPartTexts(p, at, f));
    case 'mcp_call':
      return slot(slot(item, 'arguments', path, f), 'output', path, f);
    case 'code_interpreter_call':
      return slot(item, 'code', path, f);
    case 'file_search_call':
      return each(item, 'results', path, (r, at) => slot(r, 'text', at, f));
    default:
      return item;
  }
}

/** A Responses API response object at `path` (`$` for a body, `$.response` inside a stream event). */
export function responsesObjectTexts(response: JsonObject, path: string, f: Visit): JsonObject {
  const out = each(response, 'output', path, (item, at) => responsesItemTexts(item, at, f));
  return slot(out, 'output_text', path, f);
}

export function responsesResponseTexts(body: unknown, f: Visit): unknown {
  return isObject(body) ? responsesObjectTexts(body, '$', f) : body;
}
