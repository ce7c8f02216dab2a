import { MockError } from './errors.js';
import type { Reply } from './sse.js';

// GET /v1/models and GET /v1/models/{id}: OpenAI's model list. The mock answers any
// model name in a request; this list is what a client that asks first sees.

const CREATED = 1_715_367_049;
export const MODELS = ['gpt-4.1', 'gpt-4.1-mini', 'gpt-4o', 'gpt-4o-mini', 'o4-mini', 'gpt-3.5-turbo-instruct', 'text-embedding-3-small', 'text-embedding-3-large'];

const model = (id: string): Record<string, unknown> => ({ id, object: 'model', created: CREATED, owned_by: 'system' });

export function listModels(): Reply {
  return { kind: 'json', body: { object: 'list', data: MODELS.map(model) } };
}

export function retrieveModel(id: string): Reply {
  if (!MODELS.includes(id)) throw new MockError(404, `The model '${id}' does not exist`, 'model', 'model_not_found');
  return { kind: 'json', body: model(id) };
}
