import { createHash } from 'node:crypto';
import { MockError } from './errors.js';
import { asBody, optionalInt } from './fields.js';
import { answerText } from './model.js';
import type { Reply } from './sse.js';

// POST /v1/vector_stores/{id}/search (OpenAI's vector store search): a plain JSON API
// with text in the request (`query`) and in the response (`data[].content[].text`),
// for the proxy's generic JSON-over-HTTP connection. Each query yields one result
// whose text follows the model's rules (`say: <text>` → exactly <text>).

export function vectorStoreSearch(storeId: string, raw: unknown): Reply {
  const body = asBody(raw);
  const q = body['query'];
  const queries = typeof q === 'string' ? [q] : Array.isArray(q) && q.length > 0 && q.every((x) => typeof x === 'string') ? (q as string[]) : undefined;
  if (!queries) throw new MockError(400, "Invalid 'query': expected a string or a non-empty array of strings.", 'query', 'invalid_type');
  const max = optionalInt(body, 'max_num_results', 1, 50) ?? 10;
  const data = queries.slice(0, max).map((query, i) => {
    const hash = createHash('sha256').update(`${storeId}\0${query}`).digest('hex');
    return {
      file_id: `file-${hash.slice(0, 22)}`,
      filename: `document-${hash.slice(0, 6)}.txt`,
      score: Math.round((0.95 - i * 0.05) * 1000) / 1000,
      attributes: {},
      content: [{ type: 'text', text: answerText(query) }],
    };
  });
  return { kind: 'json', body: { object: 'vector_store.search_results.page', search_query: queries, data, has_more: false, next_page: null } };
}
