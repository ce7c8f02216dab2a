// What an adapter throws about an upstream's response (the client's mistakes are
// RequestError, in ./types.ts). The pipeline cannot mask what it cannot read, so
// these end the response with an error instead of passing it on: fail closed.

export type ResponseFormatCode =
  /** an SSE event whose data is not the JSON the protocol promises */
  | 'invalid_stream_event'
  /** generated text nested deeper than the walk allows */
  | 'response_too_deep'
  /** the connection cannot mask a streamed response (generic HTTP connections) */
  | 'stream_not_supported';

export class ResponseFormatError extends Error {
  constructor(
    readonly code: ResponseFormatCode,
    message: string,
  ) {
    super(message);
    this.name = 'ResponseFormatError';
  }
}

/** For walks over generated text: nesting past the limit is an upstream error. */
export function responseTooDeep(path: string): never {
  throw new ResponseFormatError('response_too_deep', `the response nests values too deeply at ${path} to be inspected`);
}
