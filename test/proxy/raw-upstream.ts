import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';

// A small model server on node:http for what the mock upstream will not do, because
// real servers sometimes do it: answer without usage, and stream on and on past any
// max_tokens. Real OpenAI and Anthropic shapes and SSE framing. The `x-raw` request
// header picks the behaviour:
//
//   json-no-usage     a chat.completion (or Anthropic message) without `usage`
//   stream-no-usage   a chat stream (or Anthropic stream) that never reports usage
//   hold              a chat.completion (with usage: HELD_USAGE) sent only when the
//                     test calls release(), so answers cannot free budget early
//   forever           a stream of " word" deltas that ignores every cap, until the
//                     client goes away (bounded: MAX_FOREVER_EVENTS); the only
//                     behaviour of /v1/responses

export const RAW_TEXT = 'one two three four five six seven eight nine ten';
/** A stream that outlives this many events is a test bug: it stops. */
export const MAX_FOREVER_EVENTS = 20_000;

export interface RawRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
  /** the client went away before the response ended */
  aborted: boolean;
  /** text deltas written */
  sent: number;
}

export interface RawUpstream {
  url: string;
  requests: RawRequest[];
  /** requests held (x-raw: hold) and not yet released */
  held(): number;
  /** answers every held request */
  release(): void;
  close(): Promise<void>;
}

/** The usage a held request is answered with. */
export const HELD_USAGE = { prompt_tokens: 7, completion_tokens: 5, total_tokens: 12 };

function frame(data: unknown, event?: string): string {
  return `${event !== undefined ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
}

const chunk = (model: string, delta: Record<string, unknown>, finish: string | null = null): unknown => ({
  id: 'chatcmpl-raw0000000000000000000000001',
  object: 'chat.completion.chunk',
  created: 1_750_000_000,
  model,
  system_fingerprint: null,
  choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
});

async function write(res: ServerResponse, text: string): Promise<boolean> {
  if (res.destroyed) return false;
  if (!res.write(text)) await new Promise<void>((resolve) => res.once('drain', resolve).once('close', resolve));
  return !res.destroyed;
}

async function openaiChat(req: RawRequest, res: ServerResponse, mode: string, model: string, hold: () => Promise<void>): Promise<void> {
  if (mode === 'hold') {
    await hold();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        id: 'chatcmpl-raw0000000000000000000000001',
        object: 'chat.completion',
        created: 1_750_000_000,
        model,
        choices: [{ index: 0, message: { role: 'assistant', content: 'one two three four five', refusal: null }, logprobs: null, finish_reason: 'stop' }],
        usage: HELD_USAGE,
      }),
    );
    return;
  }
  if (mode === 'json-no-usage') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        id: 'chatcmpl-raw0000000000000000000000001',
        object: 'chat.completion',
        created: 1_750_000_000,
        model,
        choices: [{ index: 0, message: { role: 'assistant', content: RAW_TEXT, refusal: null }, logprobs: null, finish_reason: 'stop' }],
      }),
    );
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  await write(res, frame(chunk(model, { role: 'assistant', content: '', refusal: null })));
  if (mode === 'stream-no-usage') {
    for (const [i, w] of RAW_TEXT.split(' ').entries()) {
      await write(res, frame(chunk(model, { content: i === 0 ? w : ` ${w}` })));
      req.sent++;
    }
    await write(res, frame(chunk(model, {}, 'stop')));
    res.end(frame('[DONE]'));
    return;
  }
  for (let i = 0; i < MAX_FOREVER_EVENTS; i++) {
    if (!(await write(res, frame(chunk(model, { content: ' word' }))))) return;
    req.sent++;
    if (i % 8 === 7) await delay(1);
  }
  res.end();
}

async function anthropicMessages(req: RawRequest, res: ServerResponse, mode: string, model: string): Promise<void> {
  const message = (content: unknown[], stop: string | null, usage?: unknown): unknown => ({
    id: 'msg_01raw00000000000000000001',
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: stop,
    stop_sequence: null,
    ...(usage !== undefined ? { usage } : {}),
  });
  if (mode === 'json-no-usage') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(message([{ type: 'text', text: RAW_TEXT }], 'end_turn')));
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  await write(res, frame({ type: 'message_start', message: message([], null, { input_tokens: 11, output_tokens: 1 }) }, 'message_start'));
  await write(res, frame({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }, 'content_block_start'));
  for (let i = 0; i < MAX_FOREVER_EVENTS; i++) {
    if (!(await write(res, frame({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: ' word' } }, 'content_block_delta')))) return;
    req.sent++;
    if (i % 8 === 7) await delay(1);
  }
  res.end();
}

async function openaiResponses(req: RawRequest, res: ServerResponse, model: string): Promise<void> {
  let seq = 0;
  const ev = (type: string, payload: Record<string, unknown>): string => frame({ type, sequence_number: seq++, ...payload }, type);
  const response = {
    id: 'resp_raw0000000000000000000000000000000000000000000001',
    object: 'response',
    created_at: 1_750_000_000,
    status: 'in_progress',
    error: null,
    incomplete_details: null,
    instructions: null,
    max_output_tokens: null,
    model,
    output: [],
    parallel_tool_calls: true,
    previous_response_id: null,
    temperature: 1,
    text: { format: { type: 'text' } },
    tool_choice: 'auto',
    tools: [],
    top_p: 1,
    truncation: 'disabled',
    usage: null,
    metadata: {},
  };
  const at = { item_id: 'msg_raw0000000000000000000000000000000000000000000001', output_index: 0 };
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  await write(res, ev('response.created', { response }));
  await write(res, ev('response.in_progress', { response }));
  await write(res, ev('response.output_item.added', { output_index: 0, item: { id: at.item_id, type: 'message', status: 'in_progress', content: [], role: 'assistant' } }));
  await write(res, ev('response.content_part.added', { ...at, content_index: 0, part: { type: 'output_text', annotations: [], logprobs: [], text: '' } }));
  for (let i = 0; i < MAX_FOREVER_EVENTS; i++) {
    if (!(await write(res, ev('response.output_text.delta', { ...at, content_index: 0, delta: ' word', logprobs: [] })))) return;
    req.sent++;
    if (i % 8 === 7) await delay(1);
  }
  res.end();
}

export async function startRawUpstream(): Promise<RawUpstream> {
  const requests: RawRequest[] = [];
  let waiting: Array<() => void> = [];
  const hold = (): Promise<void> => new Promise((resolve) => waiting.push(resolve));
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = undefined;
      }
      const record: RawRequest = { path: req.url ?? '', headers: req.headers, body, aborted: false, sent: 0 };
      requests.push(record);
      res.on('close', () => {
        if (!res.writableFinished) record.aborted = true;
      });
      const mode = String(req.headers['x-raw'] ?? 'forever');
      const model = typeof (body as { model?: unknown })?.model === 'string' ? (body as { model: string }).model : 'raw-model';
      const path = req.url ?? '';
      const run = path.startsWith('/v1/messages')
        ? anthropicMessages(record, res, mode, model)
        : path.startsWith('/v1/responses')
          ? openaiResponses(record, res, model)
          : openaiChat(record, res, mode, model, hold);
      run.catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    held: () => waiting.length,
    release: () => {
      const all = waiting;
      waiting = [];
      for (const resolve of all) resolve();
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
