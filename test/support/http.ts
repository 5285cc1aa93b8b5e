export interface HttpResult {
  status: number;
  headers: Headers;
  text: string;
  body: any; // tests inspect arbitrary JSON
}

export interface CallOptions {
  token?: string;
  json?: unknown;
  form?: Record<string, string>;
  headers?: Record<string, string>;
}

/** One HTTP call over the real network stack, as an outside client would make it. */
export async function call(method: string, url: string, { token, json, form, headers = {} }: CallOptions = {}): Promise<HttpResult> {
  const h: Record<string, string> = { ...headers };
  if (token) h.authorization = `Bearer ${token}`;
  let body: string | undefined;
  if (json !== undefined) {
    h['content-type'] = 'application/json';
    body = typeof json === 'string' ? json : JSON.stringify(json);
  } else if (form) {
    h['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(form).toString();
  }
  const response = await fetch(url, { method, headers: h, body, signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, text, body: parsed };
}

export async function login(
  issuerUrl: string,
  username: string,
  password: string,
): Promise<{ access_token: string; refresh_token: string; expires_in: number }> {
  const result = await call('POST', `${issuerUrl}/auth/login`, { json: { username, password } });
  if (result.status !== 200) throw new Error(`login ${username} -> ${result.status} ${result.text}`);
  return result.body;
}

/** An admin-audience token (RFC 8707 `resource`), the only kind `/admin/*` accepts. */
export async function adminLogin(issuerUrl: string, username = 'admin', password = 'admin-password'): Promise<string> {
  const result = await call('POST', `${issuerUrl}/auth/login`, { json: { username, password, resource: `${issuerUrl}/admin` } });
  if (result.status !== 200) throw new Error(`admin login ${username} -> ${result.status} ${result.text}`);
  return result.body.access_token;
}

export function decodeJwt(token: string): { header: Record<string, any>; payload: Record<string, any> } {
  const [h, p] = token.split('.');
  return { header: JSON.parse(Buffer.from(h, 'base64url').toString()), payload: JSON.parse(Buffer.from(p, 'base64url').toString()) };
}

export const b64url = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
