import type { Operation, ProtocolAdapter, SseEvent } from '../../../../src/proxy/protocols/types.js';
import { maskEmailsIn } from './fixtures.js';

// The adapter contract driven end to end by the simplest correct stream guard: it
// holds back every text stream whole until the stream ends, then releases it
// masked — in the ending event when that event carries a delta of the stream, or as
// a synthetic deltaEvent just before the ending event otherwise. Not the real
// guard (which releases text early); it checks that the keys, ends, rewrites and
// synthetic events an adapter reports are enough to mask a stream completely.


function ends(key: string, end: string): boolean {
  return end.endsWith('*') ? key.startsWith(end.slice(0, -1)) : key === end;
}

export function holdAllGuard(adapter: ProtocolAdapter, op: Operation, mask: (s: string) => string = maskEmailsIn) {
  const held = new Map<string, { text: string; like: SseEvent }>();
  return {
    push(event: SseEvent): SseEvent[] {
      const step = adapter.streamStep(event, op);
      const out: SseEvent[] = [];
      const here = new Set(step.deltas.map((d) => d.key));
      const ending = [...held.keys()].filter((k) => step.ends.some((e) => ends(k, e)));
      // streams that end here without a delta in this event: flush before it
      for (const k of ending) {
        if (here.has(k)) continue;
        const h = held.get(k)!;
        if (h.text !== '') out.push(adapter.deltaEvent(k, mask(h.text), h.like, op));
        held.delete(k);
      }
      const endsKey = (k: string) => step.ends.some((e) => ends(k, e));
      const texts = step.deltas.map((d, i) => {
        const h = held.get(d.key) ?? { text: '', like: event };
        h.text += d.text;
        h.like = event;
        held.set(d.key, h);
        // the last delta of a stream that ends in this event carries all of it
        const last = step.deltas.findLastIndex((x) => x.key === d.key) === i;
        if (last && endsKey(d.key)) {
          held.delete(d.key);
          return mask(h.text);
        }
        return '';
      });
      out.push(step.deltas.length > 0 ? adapter.rewriteStreamEvent(event, op, texts) : event);
      return out;
    },
    /** what is still held when the upstream closes */
    finish(): SseEvent[] {
      const out = [...held.entries()].filter(([, h]) => h.text !== '').map(([k, h]) => adapter.deltaEvent(k, mask(h.text), h.like, op));
      held.clear();
      return out;
    },
  };
}

export function guardAll(adapter: ProtocolAdapter, op: Operation, events: readonly SseEvent[], mask?: (s: string) => string): SseEvent[] {
  const g = holdAllGuard(adapter, op, mask);
  return [...events.flatMap((e) => g.push(e)), ...g.finish()];
}
