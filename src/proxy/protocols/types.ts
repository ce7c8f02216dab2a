// What the proxy needs to know about a wire protocol, and nothing else: which
// requests exist, where the prompt texts and the completion cap live in a request,
// where generated text lives in a response (whole or streamed), and how the
// protocol spells an error. One adapter per protocol; the pipeline never looks
// inside a body itself.

export type Operation = 'chat' | 'completion' | 'responses' | 'messages' | 'embedding' | 'other';

/** A request body problem the client must fix: 400 in the protocol's error style. */
export class RequestError extends Error {
  readonly code = 'invalid_request';
  constructor(
    message: string,
    /** where in the body, e.g. `messages[2].content` */
    readonly path?: string,
  ) {
    super(path ? `${path}: ${message}` : message);
    this.name = 'RequestError';
  }
}

/** What the pipeline learns from a request body. */
export interface ParsedRequest {
  operation: Operation;
  model?: string;
  stream: boolean;
  /** every prompt text the client sent (system, user, tool results, embedding inputs), in request order */
  texts: string[];
  /** the completion cap the client asked for (max_tokens, max_completion_tokens, max_output_tokens), if any */
  maxCompletion?: number;
}

/** One stream of generated text inside a streamed response (a choice's content, a tool call's arguments, a content block). */
export interface TextDelta {
  /**
   * Stable for one text stream across events, e.g. `0/content`, `0/tool_calls/1/arguments`,
   * `block/2`. A key starting with `whole:` is a complete text repeated in one event
   * (the Responses API's `.done` events and the response inside `response.completed`):
   * it is masked in one go, the same event ends it, and it never needs a deltaEvent.
   */
  key: string;
  /** the text this event adds to that stream */
  text: string;
  /** the JSON path of the field in the event payload, for mask rules with `paths` */
  path: string;
}

/** An SSE event as parsed from the upstream stream (comments and retry lines pass through untouched elsewhere). */
export interface SseEvent {
  /** the `event:` field, absent for unnamed events (OpenAI chat) */
  event?: string;
  /** the `data:` lines joined with '\n' */
  data: string;
  /** the `id:` field */
  id?: string;
}

export interface StreamStep {
  /** the text deltas this event carries, in order (empty for events without text) */
  deltas: TextDelta[];
  /**
   * The text streams this event ends (a choice's finish_reason, content_block_stop).
   * An entry ending in `*` ends every open stream whose key starts with what precedes
   * the `*`: `0/*` ends all of choice 0's streams (its content and every tool call),
   * and `*` alone ends every open stream (`[DONE]`, message_stop, response.completed).
   * Held text of an ended stream is flushed (deltaEvent) before this event, unless
   * this event itself carries a delta of that stream: then the delta releases it all.
   */
  ends: string[];
}

export interface ErrorBody {
  status: number;
  /** the response body in the protocol's error shape */
  body: unknown;
}

export interface ErrorDetails {
  /** machine-readable code: policy_violation, approval_required, unauthenticated, ... */
  code: string;
  /** what happened and what to do; never a sensitive value */
  message: string;
  /** the error type the protocol uses, e.g. OpenAI's `policy_violation` / `invalid_request_error` */
  type: string;
  /** extra fields railgate adds (policy package, bundle revision, reasons) */
  extra?: Record<string, unknown>;
}

/** Tokens an upstream says a request used; either part may be missing from a report. */
export interface Usage {
  prompt?: number;
  completion?: number;
}

/** What a request asks of a token budget besides its counted texts. */
export interface BudgetShape {
  /** messages (or input items) the prompt is framed into, each costing a few tokens of framing; 0 when the protocol adds none */
  messages: number;
  /** completions generated for the request, each up to the completion cap (OpenAI's `n`, times the prompts of a completions request) */
  completions: number;
}

/** Why the proxy ends a stream itself, and the usage to report in the end. */
export interface StreamEndReason {
  code: string;
  message: string;
  usage: { prompt: number; completion: number };
  /** the client asked for usage in the stream (OpenAI's include_usage): the end reports it */
  includeUsage: boolean;
}

/**
 * Ends a stream the proxy cuts short (a budget's reservation reached) the way the
 * protocol ends a stream whose completion cap was reached, so SDKs finish normally.
 */
export interface StreamEnder {
  /** every event released to the client, in order, with the step the adapter read from it */
  observe(event: SseEvent, step: StreamStep): void;
  /** the events that end the stream now */
  end(reason: StreamEndReason): SseEvent[];
}

export interface ProtocolAdapter {
  readonly protocol: 'openai' | 'anthropic' | 'http';
  /** the operation a method + path (relative to the connection prefix, e.g. `/v1/chat/completions`) names; undefined → 404 */
  route(method: string, path: string): Operation | undefined;
  /** reads a JSON request body; throws RequestError for a body the protocol would refuse (400) */
  parse(body: unknown, operation: Operation): ParsedRequest;
  /** a copy of the body with every prompt text passed through `rewrite` (redaction) */
  rewriteRequestTexts(body: unknown, operation: Operation, rewrite: (text: string) => string): unknown;
  /** a copy of the body with the completion cap set to `cap` (the field the protocol and the body already use) */
  setMaxCompletion(body: unknown, operation: Operation, cap: number): unknown;
  /** a copy of a JSON response body with every generated text passed through `rewrite(text, path)` */
  rewriteResponseTexts(body: unknown, operation: Operation, rewrite: (text: string, path: string) => string): unknown;
  /** the text deltas an SSE event carries and the text streams it ends */
  streamStep(event: SseEvent, operation: Operation): StreamStep;
  /**
   * The event rewritten so that its deltas carry `texts[i]` instead of their
   * original text (same order as streamStep's deltas). Call it for every event
   * that has deltas, even when no text changed: it also drops what cannot be
   * masked (token logprobs spell the output token by token).
   */
  rewriteStreamEvent(event: SseEvent, operation: Operation, texts: readonly string[]): SseEvent;
  /**
   * A synthetic event that appends `text` to the text stream `key` — used to flush
   * held-back text before the event that ends the stream. `like` is the last event
   * that carried a delta for that stream (to copy ids, model, index).
   */
  deltaEvent(key: string, text: string, like: SseEvent, operation: Operation): SseEvent;
  /** an error in the protocol's style */
  error(status: number, details: ErrorDetails): ErrorBody;
  /** an SSE event that reports an error mid-stream (after headers were sent), in the protocol's style */
  streamError(details: ErrorDetails): SseEvent;

  // --- usage, for token budgets ---

  /** the usage a JSON response body reports, if any */
  usage(body: unknown, operation: Operation): Usage | undefined;
  /**
   * The usage an SSE event reports, if any: OpenAI's final usage chunk, Anthropic's
   * message_start (prompt) and message_delta (completion so far), the Responses
   * API's response.completed / .incomplete / .failed. Never throws: an event it
   * cannot read reports nothing.
   */
  streamUsage(event: SseEvent, operation: Operation): Usage | undefined;
  /**
   * A streamed request's body with the upstream asked to report usage (OpenAI chat
   * and completions: `stream_options.include_usage`); `added` when the client had
   * not asked itself, so the usage-only events must be dropped again on the way back.
   */
  requestStreamUsage(body: unknown, operation: Operation): { body: unknown; added: boolean };
  /** whether an event carries usage and nothing else (OpenAI's chunk with `choices: []`) */
  isUsageOnlyEvent(event: SseEvent, operation: Operation): boolean;
  /** how a request body is framed and how many completions it asks for */
  budgetShape(body: unknown, operation: Operation): BudgetShape;
  /** a fresh ender for one streamed response of `operation` */
  streamEnder(operation: Operation): StreamEnder;
}
