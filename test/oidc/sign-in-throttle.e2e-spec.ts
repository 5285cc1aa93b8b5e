import { startTestSystem, TestSystem } from '../support/test-system';
import { call } from '../support/http';
import { authorizeUrl, BrowserJar, formFields } from './support/browser-jar';

/** The sign-in form shares /auth/login's LoginThrottle: failures through either count, and the form answers 429. */
describe('sign-in form throttling', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ LOGIN_MAX_FAILURES_PER_ACCOUNT: '3' }, { services: false });
  });
  afterAll(() => system?.stop());

  it('locks the account after the limit, even for the right password, with Retry-After', async () => {
    const jar = new BrowserJar();
    const authorize = await jar.get(authorizeUrl(system.issuerUrl));
    const fields = formFields((await jar.get(authorize.location!)).text);
    const post = (password: string) => jar.request('POST', `${system.issuerUrl}/oidc/login`, { ...fields, username: 'alice', password });
    expect((await post('wrong-1')).status).toBe(401);
    // A failure at the JSON login counts toward the same budget.
    expect((await call('POST', `${system.issuerUrl}/auth/login`, { json: { username: 'alice', password: 'wrong-2' } })).status).toBe(401);
    expect((await post('wrong-3')).status).toBe(401);
    const locked = await post('alice-password');
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(locked.text).toContain('role="alert"');
    expect(locked.headers.getSetCookie().some((c) => c.startsWith('__Host-sso='))).toBe(false);
  });
});
