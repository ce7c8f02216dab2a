import Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { anthropicAdapter as a } from '../../../src/proxy/protocols/anthropic.js';
import { RequestError, type SseEvent } from '../../../src/proxy/protocols/types.js';
import { fakeFetch, fixtureJson, fixtureStream, maskEmailsIn, requestError } from './support/fixtures.js';
import { guardAll } from './support/guard.js';
import { serializeSse } from './support/sse.js';

const upper = (s: string): string => s.toUpperCase();

function client(status: number, type: string, body: string): Anthropic {
  return new Anthropic({ apiKey: 'sk-ant-test', baseURL: 'http://gateway.test', maxRetries: 0, fetch: fakeFetch(status, type, body) });
}

describe('anthropic route', () => {
  it('routes POST /v1/messages, also without /v1 and with a query', () => {
    expect(a.route('POST', '/v1/messages')).toBe('messages');
    expect(a.route('POST', '/messages')).toBe('messages');
    expect(a.route('POST', '/v1/messages?beta=true')).toBe('messages');
  });
  it.each([
    ['GET', '/v1/messages'],
    ['POST', '/v1/messages/count_tokens'],
    ['POST', '/v1/messages/batches'],
    ['POST', '/v1/complete'],
    ['GET', '/v1/models'],
  ])('%s %s is not routed', (m, p) => expect(a.route(m, p)).toBeUndefined());
});

describe('anthropic requests', () => {
  const body = fixtureJson('anthropic/messages-request.json');

  it('reads system, then every message text in order, and max_tokens', () => {
    expect(a.parse(body, 'messages')).toEqual({
      operation: 'messages',
      model: 'claude-sonnet-4-5',
      stream: false,
      maxCompletion: 1024,
      texts: [
        "You are Acme's billing assistant.",
        'Today is 2025-06-01.',
        'Refund the duplicate charge for jane.doe@example.com',
        'I should look up the customer first.',
        'Let me look that up.',
        'jane.doe@example.com',
        'billing',
        'refund',
        'customer cus_8812, card ending 1111',
        'second result',
        'Refund policy: 30 days.',
        'Policy',
        'Internal',
        'Go ahead.',
      ],
    });
    expect(a.parse({ model: 'm', max_tokens: 5, system: 'plain system', messages: [{ role: 'user', content: 'hi' }], stream: true }, 'messages')).toEqual({
      operation: 'messages',
      model: 'm',
      stream: true,
      maxCompletion: 5,
      texts: ['plain system', 'hi'],
    });
  });

  it('rewrites exactly those texts; tool input stays an object with the same keys and numbers', () => {
    const before = structuredClone(body);
    const out = a.rewriteRequestTexts(body, 'messages', upper) as any;
    expect(body).toEqual(before);
    expect(a.parse(out, 'messages').texts).toEqual(a.parse(body, 'messages').texts.map(upper));
    expect(out.messages[1].content[2].input).toEqual({ email: 'JANE.DOE@EXAMPLE.COM', filters: { days: 30, tags: ['BILLING', 'REFUND'] } });
    expect(out.messages[1].content[2].name).toBe('lookup_customer');
    expect(out.messages[1].content[0].signature).toBe((body as any).messages[1].content[0].signature);
    expect(out.messages[2].content[2]).toBe((body as any).messages[2].content[2]);
    expect(out.system[0].cache_control).toEqual({ type: 'ephemeral' });
    expect(out.tools).toBe((body as any).tools);
    expect(a.rewriteRequestTexts(body, 'messages', (t) => t)).toBe(body);
  });

  it.each<[string, unknown, string]>([
    ['a body that is not an object', null, 'the request body must be a JSON object, got null'],
    ['missing messages', { max_tokens: 10 }, 'messages: is required'],
    ['missing max_tokens', { messages: [] }, 'max_tokens: is required by the Messages API'],
    ['messages not an array', { max_tokens: 1, messages: 'hi' }, 'messages: must be an array of messages, got a string'],
    ['content a number', { max_tokens: 1, messages: [{ role: 'user', content: 1 }] }, 'messages[0].content: must be a string or an array of content blocks, got a number'],
    ['a text block without text', { max_tokens: 1, messages: [{ role: 'user', content: [{ type: 'text' }] }] }, 'messages[0].content[0].text: a text block needs a "text" string'],
    ['a block that is not an object', { max_tokens: 1, messages: [{ role: 'user', content: [7] }] }, 'messages[0].content[0]: a content block must be an object, got a number'],
    ['system a number', { max_tokens: 1, system: 3, messages: [] }, 'system: must be a string or an array of content blocks, got a number'],
    ['tool_result content an object', { max_tokens: 1, messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: { text: 'x' } }] }] }, 'messages[0].content[0].content: must be a string or an array of content blocks, got an object'],
    ['max_tokens a string', { max_tokens: '1024', messages: [] }, 'max_tokens: must be a non-negative integer, got a string'],
  ])('refuses %s', (_n, b, message) => {
    expect(requestError(() => a.parse(b, 'messages')).message).toBe(message);
  });

  it('refuses nesting past the limit instead of overflowing the stack', () => {
    let input: unknown = 'deep';
    for (let i = 0; i < 200; i++) input = { a: input };
    const e = requestError(() => a.parse({ max_tokens: 1, messages: [{ role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'n', input }] }] }, 'messages'));
    expect(e.message).toMatch(/nested too deeply/);
  });

  it('sets max_tokens', () => {
    expect(a.setMaxCompletion(body, 'messages', 256)).toEqual({ ...(body as object), max_tokens: 256 });
    expect((body as any).max_tokens).toBe(1024);
  });

  it('refuses operations it does not have', () => {
    expect(() => a.parse(body, 'chat')).toThrow(RangeError);
  });
});

describe('anthropic responses', () => {
  it('visits text, thinking and the string leaves of tool input, with paths', () => {
    const body = fixtureJson('anthropic/messages-response.json') as any;
    const seen: string[] = [];
    const out = a.rewriteResponseTexts(body, 'messages', (t, p) => {
      seen.push(`${p}=${t}`);
      return maskEmailsIn(t);
    }) as any;
    expect(seen).toEqual([
      '$.content[0].thinking=The email is jane.doe@example.com; refund now.',
      '$.content[1].text=I refunded the charge and emailed jane.doe@example.com.',
      '$.content[2].input.to=jane.doe@example.com',
      '$.content[2].input.cc[0]=ops@example.com',
    ]);
    expect(out.content[2].input).toEqual({ to: '[EMAIL]', cc: ['[EMAIL]'], priority: 2 });
    expect(out.usage).toBe(body.usage);
    expect(JSON.stringify(out)).not.toMatch(/@example\.com/);
    expect(JSON.stringify(body)).toMatch(/@example\.com/);
  });
});

describe('anthropic streams', () => {
  const events = fixtureStream('anthropic/messages-stream.sse');

  it('reports block deltas, the block end, pings and message_stop', () => {
    expect(events.map((e) => a.streamStep(e, 'messages'))).toEqual([
      { deltas: [], ends: [] },
      { deltas: [{ key: 'block/0', text: '', path: '$.content_block.text' }], ends: [] },
      { deltas: [], ends: [] },
      { deltas: [{ key: 'block/0', text: 'Receipt sent to jane.d', path: '$.delta.text' }], ends: [] },
      { deltas: [{ key: 'block/0', text: 'oe@exam', path: '$.delta.text' }], ends: [] },
      { deltas: [{ key: 'block/0', text: 'ple.com!', path: '$.delta.text' }], ends: [] },
      { deltas: [], ends: ['block/0'] },
      { deltas: [], ends: [] },
      { deltas: [], ends: ['*'] },
    ]);
  });

  it('rewrites only the delta text, and an identity rewrite is the same event', () => {
    const out = a.rewriteStreamEvent(events[3]!, 'messages', ['Receipt sent to ']);
    expect(out.event).toBe('content_block_delta');
    expect(JSON.parse(out.data)).toEqual({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Receipt sent to ' } });
    for (const e of events) expect(a.rewriteStreamEvent(e, 'messages', a.streamStep(e, 'messages').deltas.map((d) => d.text))).toBe(e);
  });

  it('masked through the contract, the SDK assembles the masked message', async () => {
    const guarded = guardAll(a, 'messages', events);
    expect(serializeSse(guarded)).not.toContain('jane.doe');
    const stream = client(200, 'text/event-stream', serializeSse(guarded)).messages.stream({ model: 'claude-sonnet-4-6', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] });
    const texts: string[] = [];
    stream.on('text', (t) => texts.push(t));
    const m = await stream.finalMessage();
    expect(m.content).toEqual([{ type: 'text', text: 'Receipt sent to [EMAIL]!' }]);
    expect(texts.join('')).toBe('Receipt sent to [EMAIL]!');
    expect(m.stop_reason).toBe('end_turn');
    expect(m.usage.output_tokens).toBe(15);
  });

  describe('thinking, text that starts in content_block_start, and tool input JSON', () => {
    const ev = fixtureStream('anthropic/messages-stream-tool.sse');

    it('reports each block as its own stream', () => {
      const s = ev.map((e) => a.streamStep(e, 'messages'));
      expect(s.map((x) => x.deltas.map((d) => `${d.key}=${d.text}`))).toEqual([
        [],
        ['block/0='],
        ['block/0=Email jane.doe@'],
        ['block/0=example.com now.'],
        [], // signature_delta
        [],
        ['block/1=Okay, '],
        [],
        ['block/1=sending it.'],
        [],
        [], // tool_use start: empty input object
        ['block/2='],
        ['block/2={"to": "jane.d'],
        ['block/2=oe@example.com"}'],
        [],
        [],
        [],
      ]);
      expect(s[2]!.deltas[0]!.path).toBe('$.delta.thinking');
      expect(s[6]!.deltas[0]!.path).toBe('$.content_block.text');
      expect(s[12]!.deltas[0]!.path).toBe('$.delta.partial_json');
      expect(s[14]!.ends).toEqual(['block/2']);
    });

    it('synthetic deltas take the kind of their block', () => {
      const kind = (key: string, like: SseEvent) => JSON.parse(a.deltaEvent(key, 'x', like, 'messages').data);
      expect(kind('block/0', ev[3]!)).toEqual({ type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'x' } });
      expect(kind('block/1', ev[6]!)).toEqual({ type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'x' } });
      expect(kind('block/2', ev[13]!)).toEqual({ type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: 'x' } });
      expect(kind('block/0', ev[1]!)).toEqual({ type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'x' } });
      expect(a.deltaEvent('block/1', 'x', ev[6]!, 'messages').event).toBe('content_block_delta');
      expect(() => a.deltaEvent('0/content', 'x', ev[6]!, 'messages')).toThrow(RangeError);
    });

    it('masked through the contract, the SDK assembles thinking, text and a parsed tool input', async () => {
      const guarded = guardAll(a, 'messages', ev);
      expect(serializeSse(guarded)).not.toContain('jane.doe');
      const m = await client(200, 'text/event-stream', serializeSse(guarded)).messages.stream({ model: 'claude-sonnet-4-6', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] }).finalMessage();
      expect(m.content).toEqual([
        { type: 'thinking', thinking: 'Email [EMAIL] now.', signature: 'EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds' },
        { type: 'text', text: 'Okay, sending it.' },
        { type: 'tool_use', id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', name: 'send_email', input: { to: '[EMAIL]' } },
      ]);
    });
  });

  it('message_start content and tool_use start input are whole texts', () => {
    const start: SseEvent = { event: 'message_start', data: JSON.stringify({ type: 'message_start', message: { id: 'm', type: 'message', role: 'assistant', content: [{ type: 'text', text: 'prefilled' }], model: 'c', usage: { input_tokens: 1, output_tokens: 1 } } }) };
    expect(a.streamStep(start, 'messages')).toEqual({ deltas: [{ key: 'whole:$.message.content[0].text', text: 'prefilled', path: '$.message.content[0].text' }], ends: ['whole:$.message.content[0].text'] });
    const tool: SseEvent = { event: 'content_block_start', data: JSON.stringify({ type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 't', name: 'n', input: { q: 'x' } } }) };
    expect(a.streamStep(tool, 'messages').deltas.map((d) => d.key)).toEqual(['whole:$.content_block.input.q']);
  });

  it('error events carry no text; data that is not JSON fails closed', () => {
    expect(a.streamStep({ event: 'error', data: '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}' }, 'messages')).toEqual({ deltas: [], ends: [] });
    expect(() => a.streamStep({ event: 'content_block_delta', data: '{"type":' }, 'messages')).toThrow(/not JSON/);
  });
});

describe('anthropic errors', () => {
  const details = {
    code: 'policy_violation',
    message: 'the request was refused by policy railgate.chat (bundle revision "r7"): prompt contains a credential',
    type: 'policy_violation',
    extra: { policy: 'railgate.chat', revision: 'r7', reasons: ['prompt contains a credential'] },
  };

  it('has Anthropic\'s error shape with railgate\'s fields inside the error', () => {
    expect(a.error(403, details)).toEqual({
      status: 403,
      body: {
        type: 'error',
        error: {
          type: 'permission_error',
          message: details.message,
          code: 'policy_violation',
          policy: 'railgate.chat',
          revision: 'r7',
          reasons: ['prompt contains a credential'],
          details: { error_code: 'policy_violation' },
        },
        request_id: null,
      },
    });
  });

  it.each([
    [400, 'invalid_request_error', 'invalid_request_error'],
    [401, 'authentication_error', 'authentication_error'],
    [404, 'not_found_error', 'not_found_error'],
    [413, 'request_too_large', 'request_too_large'],
    [503, 'policy_error', 'api_error'],
    [502, 'upstream_error', 'api_error'],
    [504, 'upstream_error', 'timeout_error'],
    [429, 'quota_exceeded', 'rate_limit_error'],
    [422, 'whatever', 'invalid_request_error'],
  ])('status %i with type %s → %s', (status, type, expected) => {
    expect((a.error(status, { code: 'c', message: 'm', type }).body as any).error.type).toBe(expected);
  });

  it('is what the Anthropic SDK reads into its APIError', async () => {
    const { status, body } = a.error(403, details);
    const err = await client(status, 'application/json', JSON.stringify(body))
      .messages.create({ model: 'claude-sonnet-4-6', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.PermissionDeniedError);
    const e = err as InstanceType<typeof Anthropic.PermissionDeniedError>;
    expect(e.status).toBe(403);
    expect(e.type).toBe('permission_error');
    expect(e.apiMessage).toBe(details.message);
    expect(e.errorCode).toBe('policy_violation');
  });

  it('a stream error event makes the SDK throw mid-stream', async () => {
    const ev = a.streamError({ code: 'response_blocked', message: 'the response was withheld by policy railgate.chat', type: 'policy_violation' });
    expect(ev.event).toBe('error');
    const events = fixtureStream('anthropic/messages-stream.sse').slice(0, 4);
    const sse = serializeSse([...events, ev]);
    const stream = client(200, 'text/event-stream', sse).messages.stream({ model: 'claude-sonnet-4-6', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
    const err = await stream.finalMessage().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    const e = err as InstanceType<typeof Anthropic.APIError>;
    expect(e.type).toBe('permission_error');
    expect(e.errorCode).toBe('response_blocked');
    expect(e.apiMessage).toBe('the response was withheld by policy railgate.chat');
  });
});
