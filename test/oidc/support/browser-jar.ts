import { createHash, randomBytes } from 'node:crypto';

export interface JarResponse {
  status: number;
  headers: Headers;
  text: string;
  location?: string;
}

/**
 * A minimal browser over fetch: keeps the issuer's cookies (name=value, as a browser would send them back to
 * the same host), never follows redirects itself, so each hop can be asserted.
 */
export class BrowserJar {
  readonly cookies = new Map<string, string>();

  async request(method: 'GET' | 'POST', url: string, form?: Record<string, string> | string): Promise<JarResponse> {
    const headers: Record<string, string> = {};
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([n, v]) => `${n}=${v}`).join('; ');
    let body: string | undefined;
    if (form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = typeof form === 'string' ? form : new URLSearchParams(form).toString();
    }
    const response = await fetch(url, { method, headers, body, redirect: 'manual', signal: AbortSignal.timeout(10_000) });
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const [name, value] = [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)];
      if (attributes.some((a) => /^\s*max-age=0$/i.test(a)) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const location = response.headers.get('location') ?? undefined;
    return { status: response.status, headers: response.headers, text: await response.text(), location: location && new URL(location, url).toString() };
  }

  get(url: string): Promise<JarResponse> {
    return this.request('GET', url);
  }
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export interface AuthorizeOptions {
  clientId?: string;
  redirectUri?: string;
  scope?: string;
  state?: string;
  nonce?: string;
  challenge?: string;
  extra?: Record<string, string>;
}

export const DEMO_SPA = { clientId: 'demo-spa', redirectUri: 'http://127.0.0.1:4180/callback', postLogout: 'http://127.0.0.1:4180/' };
export const DEMO_PORTAL = {
  clientId: 'demo-portal',
  secret: 'demo-portal-secret',
  redirectUri: 'http://127.0.0.1:4181/callback',
  postLogout: 'http://127.0.0.1:4181/',
};

export function authorizeUrl(issuerUrl: string, options: AuthorizeOptions = {}): string {
  const params = new URLSearchParams({
    client_id: options.clientId ?? DEMO_SPA.clientId,
    redirect_uri: options.redirectUri ?? DEMO_SPA.redirectUri,
    response_type: 'code',
    scope: options.scope ?? 'openid profile',
    state: options.state ?? 'state-1',
    nonce: options.nonce ?? 'nonce-1',
    code_challenge: options.challenge ?? pkcePair().challenge,
    code_challenge_method: 'S256',
    ...options.extra,
  });
  return `${issuerUrl}/oauth/authorize?${params.toString()}`;
}

/** The hidden and visible fields of the sign-in form. */
export function formFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [tag] of html.matchAll(/<input[^>]*>/g)) {
    const name = /name="([^"]+)"/.exec(tag)?.[1];
    if (name === undefined) continue;
    fields[name] = (/value="([^"]*)"/.exec(tag)?.[1] ?? '')
      .replace(/&amp;/g, '&')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>');
  }
  return fields;
}

/** authorize → sign-in page → POST credentials; returns the redirect back to the app. */
export async function signIn(jar: BrowserJar, issuerUrl: string, url: string, username = 'alice', password = 'alice-password'): Promise<JarResponse> {
  const authorize = await jar.get(url);
  if (authorize.status !== 302 || !authorize.location?.startsWith(`${issuerUrl}/oidc/login`))
    throw new Error(`authorize -> ${authorize.status} ${authorize.location} ${authorize.text}`);
  const page = await jar.get(authorize.location);
  if (page.status !== 200) throw new Error(`login page -> ${page.status} ${page.text}`);
  const fields = formFields(page.text);
  return jar.request('POST', `${issuerUrl}/oidc/login`, { ...fields, username, password });
}

export function callbackParams(location: string | undefined): Record<string, string> {
  if (!location) throw new Error('no redirect');
  return Object.fromEntries(new URL(location).searchParams);
}
