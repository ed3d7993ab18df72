import { describe, expect, it } from 'vitest';
import { APPS_PATH, captureConfig, captureSimulator, put } from './helpers/sim.js';

describe('dashboard guards', () => {
  const sim = captureSimulator({ authToken: 's3cret' });

  it('answers 401 without a token and 403 with a wrong one (RAY_AUTH_MODE=token)', () => {
    expect(sim.handle('GET', APPS_PATH)).toMatchObject({ status: 401, body: 'Unauthorized: Missing authentication token' });
    expect(sim.handle('GET', APPS_PATH, { Authorization: 'Bearer nope' })).toMatchObject({ status: 403, body: 'Forbidden: Invalid authentication token' });
    expect(sim.handle('GET', '/api/ray/version')).toMatchObject({ status: 401 });
  });

  it.each([
    ['Authorization: Bearer', { Authorization: 'Bearer s3cret' }],
    ['X-Ray-Authorization', { 'X-Ray-Authorization': 'Bearer s3cret' }],
    ['the ray-authentication-token cookie', { Cookie: 'theme=dark; ray-authentication-token=s3cret' }],
  ])('accepts the token in %s', (_how, headers) => {
    expect(sim.handle('GET', APPS_PATH, headers).status).toBe(200);
  });

  it('serves /metrics without a token, as the node agent does', () => {
    expect(sim.handle('GET', '/metrics').status).toBe(200);
  });

  it.each([
    ['Sec-Fetch-Mode', { 'Sec-Fetch-Mode': 'cors' }],
    ['a browser User-Agent', { 'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64)' }],
  ])('refuses a PUT carrying %s with 405', (_what, headers) => {
    const r = put(sim, captureConfig(), { Authorization: 'Bearer s3cret', ...headers });
    expect(r).toMatchObject({ status: 405, body: "'PUT' method not allowed for browser traffic." });
  });

  it('accepts the same PUT from a non-browser client', () => {
    expect(put(sim, captureConfig(), { Authorization: 'Bearer s3cret', 'User-Agent': 'curl/8.5.0' })).toMatchObject({ status: 200, body: '' });
  });
});
