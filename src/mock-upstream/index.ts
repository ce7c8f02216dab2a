// A realistic mock model server (OpenAI and Anthropic shapes, SSE framing, usage,
// fault injection), for end-to-end tests, the quickstart and the benchmarks.
// See docs/mock-upstream.md.

export { startMockUpstream } from './server.js';
export type { MockUpstream, MockUpstreamOptions, RecordedRequest } from './types.js';
export { answerText, toolRequest, DEFAULT_MAX_OUTPUT_TOKENS } from './model.js';
export { embed } from './embeddings.js';
