import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { openaiAdapter as a } from '../../../src/proxy/protocols/openai.js';
import { RequestError, type Operation } from '../../../src/proxy/protocols/types.js';
import { fakeFetch, fixtureJson, maskEmailsIn, requestError } from './support/fixtures.js';

const upper = (s: string): string => s.toUpperCase();

function texts(body: unknown, op: Operation): string[] {
  return a.parse(body, op).texts;
}

describe('openai route', () => {
  it.each([
    ['/v1/chat/completions', 'chat'],
    ['/chat/completions', 'chat'],
    ['/v1/completions', 'completion'],
    ['/completions', 'completion'],
    ['/v1/responses', 'responses'],
    ['/responses', 'responses'],
    ['/v1/embeddings', 'embedding'],
    ['/embeddings', 'embedding'],
    ['/v1/chat/completions?api-version=2024-10-21', 'chat'],
    ['/v1/chat/completions/', 'chat'],
  ])('POST %s → %s', (path, op) => {
    expect(a.route('POST', path)).toBe(op);
    expect(a.route('post', path)).toBe(op);
  });

  it.each([
    ['GET', '/v1/chat/completions'],
    ['POST', '/v1/models'],
    ['GET', '/v1/models'],
    ['POST', '/v2/chat/completions'],
    ['POST', '/v1/v1/chat/completions'],
    ['POST', '/v1/chat/completions/extra'],
    ['POST', '/v1/responses/resp_123/cancel'],
    ['POST', '/v1/constructor'],
    ['POST', '/'],
  ])('%s %s is not routed', (method, path) => {
    expect(a.route(method, path)).toBeUndefined();
  });
});

describe('openai chat requests', () => {
  const body = fixtureJson('openai/chat-request.json');

  it('reads model, stream, cap and every prompt text in request order', () => {
    expect(a.parse(body, 'chat')).toEqual({
      operation: 'chat',
      model: 'gpt-4.1',
      stream: true,
      maxCompletion: 800,
      texts: [
        "You are a support assistant for Acme. Never reveal internal ticket notes.",
        'Customer tier: enterprise.',
        'My card 4111 1111 1111 1111 was charged twice, email me at jane.doe@example.com',
        '{"email":"jane.doe@example.com"}',
        '{"last4":"1111","days":30}',
        '{"customer_id":"cus_8812","plan":"enterprise"}',
        '2 charges of $49.00 on 2025-03-02',
        'I can see two identical charges.',
        'Please refund one of them.',
      ],
    });
  });

  it('rewrites exactly those texts, in place, and nothing else', () => {
    const before = structuredClone(body);
    const out = a.rewriteRequestTexts(body, 'chat', upper) as any;
    expect(body).toEqual(before); // not mutated
    expect(out).not.toBe(body);
    expect(texts(out, 'chat')).toEqual(texts(body, 'chat').map(upper));
    // images, audio, names, tools and options untouched
    expect(out.messages[2].content[1]).toBe((body as any).messages[2].content[1]);
    expect(out.messages[2].content[2]).toEqual((body as any).messages[2].content[2]);
    expect(out.messages[2].name).toBe('jane');
    expect(out.tools).toBe((body as any).tools);
    expect(out.messages[3].tool_calls[0].id).toBe('call_Xb1mPnA7vQ2');
    expect(out.messages[3].tool_calls[0].function.name).toBe('lookup_customer');
    expect(out.stream_options).toEqual({ include_usage: true });
  });

  it('returns the body itself when no text changes', () => {
    expect(a.rewriteRequestTexts(body, 'chat', (t) => t)).toBe(body);
  });

  it('reads refusal parts, prediction content, custom tool input and legacy function_call', () => {
    const b = {
      model: 'gpt-4o',
      messages: [
        { role: 'assistant', content: [{ type: 'refusal', refusal: 'I cannot.' }], function_call: { name: 'f', arguments: '{"a":1}' } },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'custom', custom: { name: 'sql', input: 'SELECT 1' } }] },
        { role: 'user', content: [{ type: 'future_text_kind', text: 'new kind' }, { type: 'file', file: { file_id: 'file-1' } }] },
      ],
      prediction: { type: 'content', content: [{ type: 'text', text: 'predicted' }] },
    };
    expect(texts(b, 'chat')).toEqual(['I cannot.', '{"a":1}', 'SELECT 1', 'new kind', 'predicted']);
  });

  it.each<[string, unknown, string]>([
    ['a non-object body', [1, 2], 'the request body must be a JSON object, got an array'],
    ['a string body', 'hi', 'the request body must be a JSON object, got a string'],
    ['missing messages', { model: 'm' }, 'messages: is required'],
    ['messages not an array', { messages: { role: 'user' } }, 'messages: must be an array of messages, got an object'],
    ['a message that is not an object', { messages: ['hi'] }, 'messages[0]: a message must be an object, got a string'],
    ['content a number', { messages: [{ role: 'user', content: 42 }] }, 'messages[0].content: must be a string or an array of content parts, got a number'],
    ['a text part without text', { messages: [{ role: 'user', content: [{ type: 'text' }] }] }, 'messages[0].content[0].text: a text part needs a "text" string'],
    ['a text part with numeric text', { messages: [{ role: 'user', content: [{ type: 'text', text: 7 }] }] }, 'messages[0].content[0].text: a text part needs a "text" string'],
    ['a part that is not an object', { messages: [{ role: 'user', content: ['x'] }] }, 'messages[0].content[0]: a content part must be an object, got a string'],
    ['tool_calls not an array', { messages: [{ role: 'assistant', tool_calls: {} }] }, 'messages[0].tool_calls: must be an array, got an object'],
    ['arguments not a string', { messages: [{ role: 'assistant', tool_calls: [{ function: { arguments: { a: 1 } } }] }] }, 'messages[0].tool_calls[0].function.arguments: must be a string, got an object'],
    ['a model that is not a string', { model: 4, messages: [] }, 'model: must be a string, got a number'],
    ['stream not a boolean', { messages: [], stream: 'yes' }, 'stream: must be true or false, got a string'],
    ['a negative cap', { messages: [], max_tokens: -1 }, 'max_tokens: must be a non-negative integer, got -1'],
    ['a fractional cap', { messages: [], max_completion_tokens: 1.5 }, 'max_completion_tokens: must be a non-negative integer, got 1.5'],
    ['a string cap', { messages: [], max_completion_tokens: '100' }, 'max_completion_tokens: must be a non-negative integer, got a string'],
  ])('refuses %s with the path', (_name, b, message) => {
    const e = requestError(() => a.parse(b, 'chat'));
    expect(e.message).toBe(message);
    expect(e.code).toBe('invalid_request');
  });

  it('names the path of the offending field', () => {
    const e = requestError(() => a.parse({ messages: [{ role: 'user', content: 'ok' }, { role: 'user', content: [{ type: 'text', text: null }] }] }, 'chat'));
    expect(e.path).toBe('messages[1].content[0].text');
  });

  it('the cap is max_completion_tokens, else max_tokens, the smaller when both', () => {
    expect(a.parse({ messages: [], max_tokens: 300 }, 'chat').maxCompletion).toBe(300);
    expect(a.parse({ messages: [], max_tokens: 300, max_completion_tokens: 200 }, 'chat').maxCompletion).toBe(200);
    expect(a.parse({ messages: [], max_tokens: null }, 'chat')).not.toHaveProperty('maxCompletion');
    expect(a.parse({ messages: [] }, 'chat')).toEqual({ operation: 'chat', stream: false, texts: [] });
  });

  it('setMaxCompletion sets the field the body uses, max_completion_tokens when none', () => {
    expect(a.setMaxCompletion({ messages: [], max_completion_tokens: 4000 }, 'chat', 512)).toEqual({ messages: [], max_completion_tokens: 512 });
    expect(a.setMaxCompletion({ messages: [], max_tokens: 4000 }, 'chat', 512)).toEqual({ messages: [], max_tokens: 512 });
    expect(a.setMaxCompletion({ messages: [], max_tokens: 9, max_completion_tokens: 10 }, 'chat', 5)).toEqual({ messages: [], max_tokens: 5, max_completion_tokens: 5 });
    expect(a.setMaxCompletion({ messages: [] }, 'chat', 512)).toEqual({ messages: [], max_completion_tokens: 512 });
    expect(a.setMaxCompletion({ messages: [], max_tokens: null }, 'chat', 7)).toEqual({ messages: [], max_tokens: null, max_completion_tokens: 7 });
    const b = { messages: [], max_tokens: 100 };
    a.setMaxCompletion(b, 'chat', 1);
    expect(b.max_tokens).toBe(100);
    expect(() => a.setMaxCompletion(b, 'chat', -1)).toThrow(RangeError);
    expect(() => a.setMaxCompletion(b, 'chat', 1.5)).toThrow(RangeError);
  });
});

describe('openai completions requests', () => {
  const body = fixtureJson('openai/completion-request.json');

  it('reads prompt strings then the suffix, and max_tokens', () => {
    expect(a.parse(body, 'completion')).toEqual({
      operation: 'completion',
      model: 'gpt-3.5-turbo-instruct',
      stream: false,
      maxCompletion: 64,
      texts: ['Summarize: the wire went to IBAN DE89 3704 0044 0532 0130 00.', 'Translate: bonjour', '\n-- end --'],
    });
    expect(texts({ prompt: 'one' }, 'completion')).toEqual(['one']);
    expect(texts({ prompt: [] }, 'completion')).toEqual([]);
  });

  it('rewrites them in place', () => {
    const out = a.rewriteRequestTexts(body, 'completion', upper) as any;
    expect(out.prompt).toEqual(['SUMMARIZE: THE WIRE WENT TO IBAN DE89 3704 0044 0532 0130 00.', 'TRANSLATE: BONJOUR']);
    expect(out.suffix).toBe('\n-- END --');
    expect(out.temperature).toBe(0);
  });

  it.each([
    ['a token array', [1212, 318, 257]],
    ['token arrays', [[1212, 318], [257]]],
    ['a mix of text and tokens', ['hello', 318]],
  ])('refuses %s: it cannot be classified', (_n, prompt) => {
    const e = requestError(() => a.parse({ model: 'm', prompt }, 'completion'));
    expect(e.path).toBe('prompt');
    expect(e.message).toMatch(/token arrays cannot be inspected/);
    expect(() => a.rewriteRequestTexts({ prompt }, 'completion', upper)).toThrow(RequestError);
  });

  it('refuses other prompt shapes', () => {
    expect(requestError(() => a.parse({ prompt: 5 }, 'completion')).message).toBe('prompt: must be a string or an array of strings, got a number');
    expect(requestError(() => a.parse({ prompt: ['a', { t: 1 }] }, 'completion')).message).toBe('prompt[1]: must be a string, got an object');
  });

  it('sets max_tokens', () => {
    expect((a.setMaxCompletion(body, 'completion', 10) as any).max_tokens).toBe(10);
    expect(a.setMaxCompletion({ prompt: 'x' }, 'completion', 10)).toEqual({ prompt: 'x', max_tokens: 10 });
  });
});

describe('openai embeddings requests', () => {
  const body = fixtureJson('openai/embeddings-request.json');

  it('reads the inputs; never a stream, never a cap', () => {
    expect(a.parse(body, 'embedding')).toEqual({
      operation: 'embedding',
      model: 'text-embedding-3-small',
      stream: false,
      texts: ['Invoice for jane.doe@example.com', 'Quarterly revenue grew 12%'],
    });
    expect(texts({ input: 'single' }, 'embedding')).toEqual(['single']);
    expect(a.setMaxCompletion(body, 'embedding', 5)).toBe(body);
  });

  it('rewrites inputs', () => {
    expect((a.rewriteRequestTexts(body, 'embedding', upper) as any).input).toEqual(['INVOICE FOR JANE.DOE@EXAMPLE.COM', 'QUARTERLY REVENUE GREW 12%']);
  });

  it('refuses token inputs and a missing input', () => {
    expect(requestError(() => a.parse({ input: [[1, 2], [3]] }, 'embedding')).message).toMatch(/^input: token arrays cannot be inspected/);
    expect(requestError(() => a.parse({ model: 'm' }, 'embedding')).message).toBe('input: is required');
  });

  it('has no response texts', () => {
    const r = fixtureJson('openai/embeddings-response.json');
    expect(a.rewriteResponseTexts(r, 'embedding', () => 'X')).toBe(r);
  });
});

describe('openai responses requests', () => {
  const body = fixtureJson('openai/responses-request.json');

  it('reads instructions, then every input text', () => {
    expect(a.parse(body, 'responses')).toEqual({
      operation: 'responses',
      model: 'gpt-4.1',
      stream: true,
      maxCompletion: 1024,
      texts: [
        "You are Acme's billing assistant.",
        'Where did my refund go? My email is jane.doe@example.com',
        'Here is the receipt.',
        'Let me check the ledger.',
        '{"email":"jane.doe@example.com"}',
        '{"refund":"sent to card ending 1111"}',
        'The user wants refund status.',
      ],
    });
    expect(texts({ input: 'just a string' }, 'responses')).toEqual(['just a string']);
    expect(texts({ previous_response_id: 'resp_1' }, 'responses')).toEqual([]);
  });

  it('reads prompt template variables', () => {
    const b = { prompt: { id: 'pmpt_1', version: '2', variables: { customer: 'Jane', note: { type: 'input_text', text: 'VIP' }, logo: { type: 'input_image', image_url: 'https://x/y.png' } } }, input: 'hi' };
    expect(texts(b, 'responses')).toEqual(['Jane', 'VIP', 'hi']);
    const out = a.rewriteRequestTexts(b, 'responses', upper) as any;
    expect(out.prompt.variables).toEqual({ customer: 'JANE', note: { type: 'input_text', text: 'VIP'.toUpperCase() }, logo: b.prompt.variables.logo });
  });

  it('rewrites in place, leaving ids, files and images alone', () => {
    const out = a.rewriteRequestTexts(body, 'responses', upper) as any;
    expect(texts(out, 'responses')).toEqual(texts(body, 'responses').map(upper));
    expect(out.input[1].content[1]).toEqual({ type: 'input_image', image_url: 'https://example.com/receipt.png', detail: 'auto' });
    expect(out.input[3].call_id).toBe('call_12345xyz');
    expect(out.input[5].encrypted_content).toBe('gAAAAABoIPOD');
    expect(out.input[6]).toBe((body as any).input[6]);
  });

  it('refuses wrong types with the path', () => {
    expect(requestError(() => a.parse({ input: 3 }, 'responses')).message).toBe('input: must be a string or an array of input items, got a number');
    expect(requestError(() => a.parse({ input: [{ role: 'user', content: { text: 'x' } }] }, 'responses')).path).toBe('input[0].content');
    expect(requestError(() => a.parse({ instructions: ['x'] }, 'responses')).path).toBe('instructions');
    expect(requestError(() => a.parse({ input: [null] }, 'responses')).message).toBe('input[0]: an input item must be an object, got null');
  });

  it('sets max_output_tokens', () => {
    expect((a.setMaxCompletion(body, 'responses', 99) as any).max_output_tokens).toBe(99);
  });
});

describe('openai response bodies', () => {
  it('chat: message content, with paths', () => {
    const body = fixtureJson('openai/chat-response.json');
    const seen: Array<[string, string]> = [];
    const out = a.rewriteResponseTexts(body, 'chat', (t, p) => {
      seen.push([t, p]);
      return maskEmailsIn(t);
    }) as any;
    expect(seen).toEqual([['I refunded the duplicate charge. A receipt went to jane.doe@example.com.', '$.choices[0].message.content']]);
    expect(out.choices[0].message.content).toBe('I refunded the duplicate charge. A receipt went to [EMAIL].');
    expect({ ...out, choices: undefined }).toEqual({ ...(body as any), choices: undefined });
  });

  it('chat: tool call arguments in every choice, log probabilities emptied', () => {
    const body = fixtureJson('openai/chat-response-tools.json') as any;
    const seen: string[] = [];
    const out = a.rewriteResponseTexts(body, 'chat', (t, p) => {
      seen.push(p);
      return maskEmailsIn(t);
    }) as any;
    expect(seen).toEqual(['$.choices[0].message.tool_calls[0].function.arguments', '$.choices[0].message.tool_calls[1].function.arguments', '$.choices[1].message.content']);
    expect(out.choices[0].message.tool_calls[0].function.arguments).toBe('{"to":"[EMAIL]","subject":"Refund"}');
    expect(out.choices[0].message.tool_calls[1]).toBe(body.choices[0].message.tool_calls[1]);
    expect(out.choices[1].logprobs).toBeNull();
    expect(body.choices[1].logprobs).not.toBeNull();
  });

  it('chat: refusal, reasoning_content, legacy function_call, audio transcript; odd shapes have their strings visited', () => {
    const body = {
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: [{ type: 'text', text: 'parts from a compatible server' }],
            refusal: 'no',
            reasoning_content: 'thinking',
            function_call: { name: 'f', arguments: '{}' },
            audio: { id: 'audio_1', data: 'UklGR', transcript: 'spoken', expires_at: 1 },
          },
        },
        { index: 1, message: { role: 'assistant', content: { unexpected: ['deep string'] } } },
      ],
    };
    const seen: string[] = [];
    a.rewriteResponseTexts(body, 'chat', (t, p) => {
      seen.push(`${p}=${t}`);
      return t;
    });
    expect(seen).toEqual([
      '$.choices[0].message.content[0].text=parts from a compatible server',
      '$.choices[0].message.refusal=no',
      '$.choices[0].message.reasoning_content=thinking',
      '$.choices[0].message.function_call.arguments={}',
      '$.choices[0].message.audio.transcript=spoken',
      '$.choices[1].message.content.unexpected[0]=deep string',
    ]);
  });

  it('completion: each choice text', () => {
    const body = fixtureJson('openai/completion-response.json') as any;
    const out = a.rewriteResponseTexts(body, 'completion', (t) => t.replace(/DE89[\d ]+00/, '[IBAN]')) as any;
    expect(out.choices.map((c: any) => c.text)).toEqual(['\n\nThe payment went to [IBAN].', '\n\nhello']);
    expect(out.choices[0].logprobs).toBeNull();
    expect(out.usage).toBe(body.usage);
  });

  it('responses: output text, refusals, function arguments and reasoning summaries', () => {
    const body = fixtureJson('openai/responses-response.json') as any;
    const seen: string[] = [];
    const out = a.rewriteResponseTexts(body, 'responses', (t, p) => {
      seen.push(p);
      return maskEmailsIn(t);
    }) as any;
    expect(seen).toEqual([
      '$.output[0].summary[0].text',
      '$.output[1].content[0].text',
      '$.output[1].content[1].refusal',
      '$.output[2].arguments',
    ]);
    expect(JSON.stringify(out)).not.toContain('jane.doe@example.com');
    expect(out.output[1].content[0].logprobs).toEqual([]);
    expect(out.output[1].content[0].annotations).toBe(body.output[1].content[0].annotations);
    expect(out.usage).toBe(body.usage);
  });

  it('a body that is not an object passes as it is', () => {
    expect(a.rewriteResponseTexts('plain', 'chat', () => 'X')).toBe('plain');
    expect(a.rewriteResponseTexts(null, 'responses', () => 'X')).toBeNull();
  });
});

describe('openai errors', () => {
  const details = {
    code: 'policy_violation',
    message: 'the request was refused by policy railgate.chat (bundle revision "r42"): payment card number in prompt',
    type: 'policy_violation',
    extra: { policy: 'railgate.chat', revision: 'r42', reasons: ['payment card number in prompt'], message: 'ignored', code: 'ignored' },
  };

  it('has OpenAI\'s error shape, the extra fields after the standard ones', () => {
    expect(a.error(403, details)).toEqual({
      status: 403,
      body: {
        error: {
          message: details.message,
          type: 'policy_violation',
          param: null,
          code: 'policy_violation',
          policy: 'railgate.chat',
          revision: 'r42',
          reasons: ['payment card number in prompt'],
        },
      },
    });
    expect(a.error(400, { code: 'invalid_request', message: 'm', type: 'invalid_request_error', extra: { param: 'messages[0].content' } }).body).toEqual({
      error: { message: 'm', type: 'invalid_request_error', param: 'messages[0].content', code: 'invalid_request' },
    });
  });

  it('is what the OpenAI SDK reads into its APIError', async () => {
    const { status, body } = a.error(403, details);
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: 'http://gateway.test/v1', maxRetries: 0, fetch: fakeFetch(status, 'application/json', JSON.stringify(body)) });
    const err = await client.chat.completions.create({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.PermissionDeniedError);
    const e = err as InstanceType<typeof OpenAI.PermissionDeniedError>;
    expect(e.status).toBe(403);
    expect(e.code).toBe('policy_violation');
    expect(e.type).toBe('policy_violation');
    expect(e.param).toBeNull();
    expect(e.message).toBe(`403 ${details.message}`);
    expect((e.error as any).revision).toBe('r42');
  });

  it('a stream error event makes the SDK throw mid-stream, after the text already sent', async () => {
    const chunk = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4.1', choices: [{ index: 0, delta: { role: 'assistant', content: 'partial' }, logprobs: null, finish_reason: null }] };
    const ev = a.streamError({ ...details, code: 'response_blocked', message: 'the response was withheld by policy railgate.chat' });
    expect(ev.event).toBeUndefined();
    const sse = `data: ${JSON.stringify(chunk)}\n\ndata: ${ev.data}\n\n`;
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: 'http://gateway.test/v1', maxRetries: 0, fetch: fakeFetch(200, 'text/event-stream', sse) });
    const stream = await client.chat.completions.create({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }], stream: true });
    const got: string[] = [];
    const err = await (async () => {
      for await (const c of stream) got.push(c.choices[0]?.delta.content ?? '');
    })().catch((e: unknown) => e);
    expect(got).toEqual(['partial']);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as InstanceType<typeof OpenAI.APIError>).code).toBe('response_blocked');
    expect((err as Error).message).toBe('the response was withheld by policy railgate.chat');
  });

  it('a Responses stream error event is thrown by the SDK too', async () => {
    const ev = a.streamError(details);
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: 'http://gateway.test/v1', maxRetries: 0, fetch: fakeFetch(200, 'text/event-stream', `data: ${ev.data}\n\n`) });
    const stream = await client.responses.create({ model: 'gpt-4.1', input: 'hi', stream: true });
    const err = await (async () => {
      for await (const _ of stream) void _;
    })().catch((e: unknown) => e);
    expect((err as InstanceType<typeof OpenAI.APIError>).code).toBe('policy_violation');
  });
});
