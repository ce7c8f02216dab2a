import type { ConnectionConfig } from '../../config/types.js';
import { anthropicAdapter } from './anthropic.js';
import { httpAdapter } from './http.js';
import { openaiAdapter } from './openai.js';
import type { ProtocolAdapter } from './types.js';

// The adapter of a connection's protocol. OpenAI and Anthropic adapters are shared
// (they hold no state); a generic HTTP adapter compiles the connection's JSON paths,
// so call this once per connection, at start-up, where a bad path (JsonPathError)
// stops the server with the position of the mistake.

export { anthropicAdapter } from './anthropic.js';
export { httpAdapter } from './http.js';
export { openaiAdapter } from './openai.js';
export { ResponseFormatError } from './errors.js';
export { compilePath, matchPath, JsonPathError } from './jsonpath.js';

export function adapterFor(connection: ConnectionConfig): ProtocolAdapter {
  switch (connection.protocol) {
    case 'openai':
      return openaiAdapter;
    case 'anthropic':
      return anthropicAdapter;
    case 'http':
      if (!connection.http) throw new Error(`connection ${connection.name}: protocol http needs its "http" settings (request_texts, response_texts)`);
      return httpAdapter(connection.http);
  }
}
