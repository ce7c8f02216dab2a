import type { SseEvent } from '../../../../src/proxy/protocols/types.js';

// Reading the fixture streams: SSE text → events (as an upstream sends them) and
// back, per the WHATWG event-stream rules the SDKs follow (a blank line ends an
// event, `data:` lines join with \n, one leading space after the colon is dropped,
// comment lines start with ':').

export function parseSse(text: string): SseEvent[] {
  const events: SseEvent[] = [];
  let data: string[] | undefined;
  let event: string | undefined;
  let id: string | undefined;
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    if (line === '') {
      if (data !== undefined) events.push({ ...(event !== undefined ? { event } : {}), data: data.join('\n'), ...(id !== undefined ? { id } : {}) });
      data = undefined;
      event = undefined;
      id = undefined;
      continue;
    }
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') (data ??= []).push(value);
    else if (field === 'event') event = value;
    else if (field === 'id') id = value;
  }
  return events;
}

export function serializeSse(events: readonly SseEvent[]): string {
  return events
    .map((e) => `${e.event !== undefined ? `event: ${e.event}\n` : ''}${e.data.split('\n').map((l) => `data: ${l}\n`).join('')}${e.id !== undefined ? `id: ${e.id}\n` : ''}\n`)
    .join('');
}
