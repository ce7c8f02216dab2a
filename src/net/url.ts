// URLs in messages, logs and status: never the credentials or the query string a
// URL may carry (user:password@, presigned signatures, tokens).

/** The URL without credentials, query or fragment; `?…` marks a query that was left out. */
export function displayUrl(u: URL): string {
  const shown = new URL(u.href);
  shown.username = '';
  shown.password = '';
  const hadQuery = shown.search !== '';
  shown.search = '';
  shown.hash = '';
  return hadQuery ? `${shown.href}?…` : shown.href;
}
