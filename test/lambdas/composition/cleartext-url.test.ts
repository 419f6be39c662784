import { describe, expect, it } from 'vitest';
import { sendsOverNetworkInCleartext } from '../../../lambdas/composition/cleartext-url.js';

describe('sendsOverNetworkInCleartext', () => {
  it.each([
    'http://qdrant.example.com:6333',
    'HTTP://Qdrant.Example.com',
    'http://10.0.0.5:6333',
    'http://localhost.example.com',
    'http://128.0.0.1',
  ])('is true of %s: plain http to another host', (url) => {
    expect(sendsOverNetworkInCleartext(url)).toBe(true);
  });

  it.each([
    'https://qdrant.example.com',
    'http://localhost:6333',
    'http://LOCALHOST:6333',
    'http://127.0.0.1:6333',
    'http://127.1.2.3',
    'http://[::1]:6333',
    '',
  ])('is false of %s: encrypted, loopback, or no URL at all', (url) => {
    expect(sendsOverNetworkInCleartext(url)).toBe(false);
  });
});
