import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embed, startMockUpstream, type MockUpstream } from '../../src/mock-upstream/index.js';

// The official openai client, pointed at the mock, must parse every response shape
// and stream as it parses the real API's: if the mock drifts from the real
// shapes, these fail inside the SDK.

let mock: MockUpstream;
let client: OpenAI;

beforeAll(async () => {
  mock = await startMockUpstream({ chunkChars: 3 });
  client = new OpenAI({ apiKey: 'sk-test', baseURL: `${mock.url}/v1`, maxRetries: 0 });
});
afterAll(() => mock.close());

const CARD = '4111 1111 1111 1111';

describe('chat completions', () => {
  it('non-streaming: the text asked for with say:, a finish reason and usage', async () => {
    const r = await client.chat.completions.create({ model: 'gpt-4.1', messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: `say: card ${CARD}` }] });
    expect(r.object).toBe('chat.completion');
    expect(r.id).toMatch(/^chatcmpl-/);
    expect(r.model).toBe('gpt-4.1');
    expect(r.choices).toHaveLength(1);
    expect(r.choices[0]!.message).toMatchObject({ role: 'assistant', content: `card ${CARD}`, refusal: null });
    expect(r.choices[0]!.finish_reason).toBe('stop');
    expect(r.usage!.prompt_tokens).toBeGreaterThan(5);
    expect(r.usage!.completion_tokens).toBeGreaterThan(3);
    expect(r.usage!.total_tokens).toBe(r.usage!.prompt_tokens + r.usage!.completion_tokens);
  });

  it('echoes the last user message by default, text parts included', async () => {
    const r = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [
        { role: 'user', content: 'first' },
        { role: 'assistant', content: 'ok' },
        { role: 'user', content: [{ type: 'text', text: 'hello' }, { type: 'text', text: 'world' }] },
      ],
    });
    expect(r.choices[0]!.message.content).toBe('You said: hello\nworld');
  });

  it('n > 1 gives that many choices', async () => {
    const r = await client.chat.completions.create({ model: 'gpt-4o', n: 3, messages: [{ role: 'user', content: 'say: hi' }] });
    expect(r.choices.map((c) => [c.index, c.message.content])).toEqual([
      [0, 'hi'],
      [1, 'hi'],
      [2, 'hi'],
    ]);
  });

  it('max_tokens cuts the text and reports finish_reason length', async () => {
    const r = await client.chat.completions.create({ model: 'gpt-4o', max_tokens: 3, messages: [{ role: 'user', content: 'say: one two three four five six' }] });
    expect(r.choices[0]!.finish_reason).toBe('length');
    expect(r.choices[0]!.message.content).toBe('one two three');
    expect(r.usage!.completion_tokens).toBe(3);
  });

  it('streaming: deltas join to the text; include_usage adds a usage chunk with no choices', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: `say: my card is ${CARD}` }],
    });
    let text = '';
    const finishes: (string | null)[] = [];
    let usage: OpenAI.CompletionUsage | null | undefined;
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      expect(chunk.object).toBe('chat.completion.chunk');
      for (const c of chunk.choices) {
        text += c.delta.content ?? '';
        finishes.push(c.finish_reason);
      }
      if (chunk.usage) {
        expect(chunk.choices).toEqual([]);
        usage = chunk.usage;
      }
    }
    expect(text).toBe(`my card is ${CARD}`);
    expect(chunks).toBeGreaterThan(5); // split across chunks, 3 characters each
    expect(finishes.filter((f) => f !== null)).toEqual(['stop']);
    expect(usage!.completion_tokens).toBeGreaterThan(3);
  });

  it('the stream helper assembles the final completion', async () => {
    const stream = client.chat.completions.stream({ model: 'gpt-4o', messages: [{ role: 'user', content: 'say: streamed helper' }] });
    const final = await stream.finalChatCompletion();
    expect(final.choices[0]!.message.content).toBe('streamed helper');
    expect(final.choices[0]!.finish_reason).toBe('stop');
  });

  it('call tool <name>: a tool call whose arguments hold the rest of the prompt (non-streaming)', async () => {
    const r = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'please call tool lookup_card with 4111 1111 1111 1111' }],
      tools: [{ type: 'function', function: { name: 'lookup_card', parameters: { type: 'object' } } }],
    });
    const call = r.choices[0]!.message.tool_calls![0]!;
    expect(r.choices[0]!.finish_reason).toBe('tool_calls');
    expect(r.choices[0]!.message.content).toBeNull();
    expect(call.type).toBe('function');
    expect(call.id).toMatch(/^call_/);
    if (call.type !== 'function') throw new Error('not a function call');
    expect(call.function.name).toBe('lookup_card');
    expect(JSON.parse(call.function.arguments)).toEqual({ text: `with ${CARD}` });
  });

  it('call tool <name> streamed: tool_calls deltas the helper joins into one call', async () => {
    const stream = client.chat.completions.stream({ model: 'gpt-4o', messages: [{ role: 'user', content: 'call tool save_key AKIAIOSFODNN7EXAMPLE' }] });
    const fragments: string[] = [];
    stream.on('tool_calls.function.arguments.delta', (e) => fragments.push(e.arguments_delta));
    const final = await stream.finalChatCompletion();
    const call = final.choices[0]!.message.tool_calls![0]!;
    expect(final.choices[0]!.finish_reason).toBe('tool_calls');
    if (call.type !== 'function') throw new Error('not a function call');
    expect(call.function.name).toBe('save_key');
    expect(JSON.parse(call.function.arguments)).toEqual({ text: 'AKIAIOSFODNN7EXAMPLE' });
    expect(fragments.length).toBeGreaterThan(3);
    expect(fragments.join('')).toBe(call.function.arguments);
  });

  it('streaming with n = 2 gives each choice the whole text', async () => {
    const stream = await client.chat.completions.create({ model: 'gpt-4o', n: 2, stream: true, messages: [{ role: 'user', content: 'say: twice over' }] });
    const texts = ['', ''];
    for await (const chunk of stream) for (const c of chunk.choices) texts[c.index] += c.delta.content ?? '';
    expect(texts).toEqual(['twice over', 'twice over']);
  });
});

describe('completions', () => {
  it('non-streaming: one choice per prompt', async () => {
    const r = await client.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: ['say: alpha', 'say: beta'] });
    expect(r.object).toBe('text_completion');
    expect(r.choices.map((c) => [c.index, c.text, c.finish_reason])).toEqual([
      [0, 'alpha', 'stop'],
      [1, 'beta', 'stop'],
    ]);
    expect(r.usage!.prompt_tokens).toBeGreaterThan(0);
  });

  it('streaming: text pieces and a finish reason; max_tokens cuts with finish_reason length', async () => {
    const read = async (max?: number): Promise<[string, string | null]> => {
      const stream = await client.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: 'say: streamed completion', stream: true, ...(max ? { max_tokens: max } : {}) });
      let text = '';
      let finish: string | null = null;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.text ?? '';
        finish = chunk.choices[0]?.finish_reason ?? finish;
      }
      return [text, finish];
    };
    expect(await read()).toEqual(['streamed completion', 'stop']);
    expect(await read(2)).toEqual(['streamed', 'length']); // "streamed completion" is 3 o200k tokens
  });

  it('a prompt of token ids is decoded; echo prepends the prompt', async () => {
    // o200k_base encodes "say: hi" as these ids
    const r = await client.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: [64494, 25, 5911] });
    expect(r.choices[0]!.text).toBe('hi');
    expect(r.usage!.prompt_tokens).toBe(3);
    const echoed = await client.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: 'say: back', echo: true });
    expect(echoed.choices[0]!.text).toBe('say: backback');
  });
});

describe('responses', () => {
  it('non-streaming: a message item with output_text and usage', async () => {
    const r = await client.responses.create({ model: 'gpt-4.1', instructions: 'be brief', input: `say: the card ${CARD}` });
    expect(r.object).toBe('response');
    expect(r.status).toBe('completed');
    expect(r.output_text).toBe(`the card ${CARD}`);
    const item = r.output[0]!;
    if (item.type !== 'message') throw new Error(`unexpected ${item.type}`);
    expect(item.content).toEqual([{ type: 'output_text', text: `the card ${CARD}`, annotations: [], logprobs: [] }]);
    expect(r.usage!.total_tokens).toBe(r.usage!.input_tokens + r.usage!.output_tokens);
  });

  it('input items: the last user message is answered', async () => {
    const r = await client.responses.create({
      model: 'gpt-4.1',
      input: [
        { role: 'user', content: 'say: no' },
        { role: 'assistant', content: 'no' },
        { role: 'user', content: [{ type: 'input_text', text: 'say: yes' }] },
      ],
    });
    expect(r.output_text).toBe('yes');
  });

  it('responses.stream: the events in the real order and the final response', async () => {
    const stream = client.responses.stream({ model: 'gpt-4.1', input: `say: streamed ${CARD}` });
    const types: string[] = [];
    const deltas: string[] = [];
    stream.on('event', (e) => types.push(e.type));
    stream.on('response.output_text.delta', (e) => deltas.push(e.delta));
    const final = await stream.finalResponse();
    expect(final.output_text).toBe(`streamed ${CARD}`);
    expect(deltas.join('')).toBe(`streamed ${CARD}`);
    expect(deltas.length).toBeGreaterThan(5);
    const distinct = types.filter((t, i) => t !== types[i - 1]);
    expect(distinct).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
  });

  it('create({stream: true}): sequence numbers count up from 0', async () => {
    const stream = await client.responses.create({ model: 'gpt-4.1', input: 'say: numbered', stream: true });
    const seq: number[] = [];
    for await (const e of stream) seq.push(e.sequence_number);
    expect(seq).toEqual(seq.map((_, i) => i));
  });

  it('max_output_tokens: status incomplete, reason max_output_tokens, streamed as response.incomplete', async () => {
    const r = await client.responses.create({ model: 'gpt-4.1', input: 'say: one two three four', max_output_tokens: 2 });
    expect(r.status).toBe('incomplete');
    expect(r.incomplete_details).toEqual({ reason: 'max_output_tokens' });
    expect(r.output_text).toBe('one two');
    const stream = client.responses.stream({ model: 'gpt-4.1', input: 'say: one two three four', max_output_tokens: 2 });
    const types: string[] = [];
    stream.on('event', (e) => types.push(e.type));
    const final = await stream.finalResponse();
    expect(final.status).toBe('incomplete');
    expect(types.at(-1)).toBe('response.incomplete');
  });

  it('call tool <name>: a function_call item, streamed as function_call_arguments deltas', async () => {
    const r = await client.responses.create({ model: 'gpt-4.1', input: 'call tool search the docs' });
    expect(r.output[0]).toMatchObject({ type: 'function_call', name: 'search', arguments: '{"text":"the docs"}', status: 'completed' });
    const stream = client.responses.stream({ model: 'gpt-4.1', input: 'call tool search the docs' });
    const deltas: string[] = [];
    stream.on('response.function_call_arguments.delta', (e) => deltas.push(e.delta));
    const final = await stream.finalResponse();
    expect(final.output[0]).toMatchObject({ type: 'function_call', name: 'search', arguments: '{"text":"the docs"}' });
    expect(deltas.join('')).toBe('{"text":"the docs"}');
  });
});

describe('embeddings', () => {
  it('the SDK default (base64) decodes to the same vectors as encoding_format float', async () => {
    const [b64, float] = await Promise.all([
      client.embeddings.create({ model: 'text-embedding-3-small', input: ['alpha', 'beta'] }),
      client.embeddings.create({ model: 'text-embedding-3-small', input: ['alpha', 'beta'], encoding_format: 'float' }),
    ]);
    const sent = mock.requests.filter((r) => r.path === '/v1/embeddings').map((r) => (r.body as { encoding_format?: string }).encoding_format);
    expect(sent).toContain('base64'); // what openai v6 asks for unless told otherwise
    expect(b64.object).toBe('list');
    expect(b64.data.map((d) => [d.object, d.index])).toEqual([
      ['embedding', 0],
      ['embedding', 1],
    ]);
    expect(b64.data.map((d) => Array.from(d.embedding))).toEqual(float.data.map((d) => d.embedding));
    expect(float.data[0]!.embedding).toHaveLength(8);
    expect(float.data[0]!.embedding).toEqual(embed('alpha', 8));
    expect(float.data[0]!.embedding).not.toEqual(float.data[1]!.embedding);
    expect(b64.usage).toEqual({ prompt_tokens: 2, total_tokens: 2 });
  });

  it('vectors are unit length and honour dimensions', async () => {
    const r = await client.embeddings.create({ model: 'text-embedding-3-large', input: 'some text', dimensions: 64, encoding_format: 'float' });
    const v = r.data[0]!.embedding;
    expect(v).toHaveLength(64);
    expect(Math.abs(Math.hypot(...v) - 1)).toBeLessThan(1e-5);
  });
});

describe('models', () => {
  it('lists and retrieves models', async () => {
    const ids: string[] = [];
    for await (const m of client.models.list()) ids.push(m.id);
    expect(ids).toContain('gpt-4.1');
    expect(ids).toContain('text-embedding-3-small');
    const m = await client.models.retrieve('gpt-4o');
    expect(m).toMatchObject({ id: 'gpt-4o', object: 'model', owned_by: 'system' });
    await expect(client.models.retrieve('gpt-nope')).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });
});

describe('vector store search', () => {
  it('answers a query with a text result that follows say:', async () => {
    const page = await client.vectorStores.search('vs_abc', { query: `say: stored ${CARD}` });
    expect(page.data).toHaveLength(1);
    expect(page.data[0]!.content).toEqual([{ type: 'text', text: `stored ${CARD}` }]);
    expect(page.data[0]!.file_id).toMatch(/^file-/);
  });
});
