import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BundleError } from './errors.js';
import { displayUrl } from '../net/url.js';

// Where the bundle client gets bundles from: an http(s) URL, or (for development) a
// local .tar.gz file or bundle directory, given as a path or a file: URL. The source
// is shown in status, events and error messages, so its display form drops what may
// be a secret: user:password in the URL and the query string (presigned object
// storage URLs carry their signature there). The key, which says whether a persisted
// bundle came from this source, is the display form without the query: a presigned
// URL re-signed at every start still names the same bundle.

export type BundleSource =
  | { kind: 'http'; url: URL; display: string; key: string }
  | { kind: 'local'; path: string; display: string; key: string };

export function parseSource(source: string): BundleSource {
  const s = source.trim();
  if (s === '') {
    throw new BundleError('bundle_io_error', 'no bundle source given', { hint: 'give an http(s) URL, a .tar.gz file or a bundle directory' });
  }
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(s)?.[1]?.toLowerCase();
  // one letter before the colon is a Windows drive, not a scheme
  if (scheme === undefined || scheme.length === 1) {
    const path = resolve(s);
    return { kind: 'local', path, display: path, key: path };
  }
  let url: URL;
  try {
    url = new URL(s);
  } catch (e) {
    throw new BundleError('bundle_io_error', `the bundle source is not a valid URL`, {
      hint: 'give an http(s) URL, a .tar.gz file or a bundle directory',
      cause: e,
    });
  }
  if (scheme === 'file') {
    const path = fileURLToPath(url);
    return { kind: 'local', path, display: path, key: path };
  }
  if (scheme !== 'http' && scheme !== 'https') {
    throw new BundleError('bundle_io_error', `the bundle source scheme "${scheme}:" is not supported`, {
      hint: 'serve the bundle over http(s) (object storage, a CDN, any web server), or give a local path',
    });
  }
  return { kind: 'http', url, display: displayUrl(url), key: `${url.origin}${url.pathname}` };
}
