import { describe, expect, it } from 'vitest';
import { displayUrl } from '../../src/net/url.js';

describe('displayUrl', () => {
  it('drops credentials and the fragment, and marks a query it leaves out', () => {
    expect(displayUrl(new URL('https://user:pw@bundles.example.com/b.tar.gz?X-Amz-Signature=abc#x'))).toBe('https://bundles.example.com/b.tar.gz?…');
    expect(displayUrl(new URL('https://idp.example.com/jwks'))).toBe('https://idp.example.com/jwks');
  });
});
