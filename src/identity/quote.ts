// Error messages name what was wrong with a token (its kid, issuer, audience,
// algorithm): values the caller chose, so they are quoted, escaped and shortened,
// never the token or key itself.

const MAX_QUOTE = 64;

/** `"value"` with control characters escaped, cut to a bounded length; a non-string says its type. */
export function quote(value: unknown, max = MAX_QUOTE): string {
  if (typeof value !== 'string') return value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
  const cut = value.length > max ? `${value.slice(0, max)}…` : value;
  return JSON.stringify(cut).replace(/[\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A NumericDate (seconds) as an ISO time, or the number when it is out of range. */
export function isoTime(seconds: number): string {
  const d = new Date(seconds * 1000);
  return Number.isNaN(d.getTime()) ? String(seconds) : d.toISOString();
}
