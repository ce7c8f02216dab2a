// Reading the mock's raw responses in tests: the bytes as sent, split into SSE frames.

export interface RawFrame {
  /** the frame's text without its closing blank line */
  raw: string;
  comment?: string;
  event?: string;
  data?: string;
}

export async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

/** Splits an SSE body into frames; throws unless every frame ends with a blank line. */
export function frames(text: string): RawFrame[] {
  if (!text.endsWith('\n\n')) throw new Error(`the stream does not end with a blank line: ${JSON.stringify(text.slice(-40))}`);
  return text
    .slice(0, -2)
    .split('\n\n')
    .map((raw) => {
      const f: RawFrame = { raw };
      for (const line of raw.split('\n')) {
        if (line.startsWith(': ')) f.comment = line.slice(2);
        else if (line.startsWith('event: ')) f.event = line.slice(7);
        else if (line.startsWith('data: ')) f.data = line.slice(6);
        else throw new Error(`unexpected SSE line ${JSON.stringify(line)}`);
      }
      return f;
    });
}

export function json(f: RawFrame): Record<string, any> {
  return JSON.parse(f.data!) as Record<string, any>;
}
