import { describe, expect, it } from 'vitest';
import { gatewayBaseUrl } from './gateway-url';

describe('gatewayBaseUrl', () => {
  it.each([
    ['', 'https://llm.example.com/connect?tool=codex', 'https://llm.example.com'],
    ['', 'http://127.0.0.1:8787/connect', 'http://127.0.0.1:8787'],
    ['https://api.example.com', 'http://localhost:5173/connect', 'https://api.example.com'],
    ['https://api.example.com/', 'http://localhost:5173/connect', 'https://api.example.com'],
    ['/gw', 'https://example.com/connect', 'https://example.com/gw'],
  ])('API base %s seen from %s -> %s', (base, here, expected) => {
    expect(gatewayBaseUrl(base, here)).toBe(expected);
  });
});
