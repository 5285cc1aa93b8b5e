import { createHash } from 'node:crypto';

/** The page's only style; the CSP allows exactly this text by its hash, and nothing else runs or loads. */
const STYLE =
  'body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f4f5f7;color:#1b1d21}' +
  'main{max-width:22rem;margin:4rem auto;padding:2rem;background:#fff;border-radius:8px;box-shadow:0 1px 4px #0002}' +
  'h1{font-size:1.4rem;margin:0 0 .25rem}label{display:block;margin-top:1rem;font-weight:600}' +
  'input{box-sizing:border-box;width:100%;padding:.5rem;margin-top:.25rem;border:1px solid #6b7280;border-radius:4px;font:inherit}' +
  'input:focus,button:focus{outline:3px solid #2563eb;outline-offset:1px}' +
  'button{margin-top:1.5rem;width:100%;padding:.6rem;border:0;border-radius:4px;background:#1d4ed8;color:#fff;font:inherit;font-weight:600;cursor:pointer}' +
  '.error{margin:1rem 0 0;padding:.5rem .75rem;border-left:4px solid #b91c1c;background:#fef2f2;color:#7f1d1d}.client{color:#4b5563;margin:0}' +
  'h2{font-size:1rem;margin:1.25rem 0 .25rem}ul{margin:0;padding-left:1.25rem}button.secondary{margin-top:.75rem;background:#fff;color:#1d4ed8;border:2px solid #1d4ed8}';

const STYLE_HASH = `'sha256-${createHash('sha256').update(STYLE, 'utf8').digest('base64')}'`;

/**
 * The Content-Security-Policy of every issuer page: nothing loads or runs but the one style. `formTarget` is
 * the client's redirect URI: Chromium applies form-action to the redirect that answers a form post too.
 */
export function pageSecurityPolicy(formTarget?: string): string {
  const formAction = ["'self'", ...(formTarget ? [cspSource(formTarget)] : [])].join(' ');
  return `default-src 'none'; style-src ${STYLE_HASH}; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`;
}

/** A CSP source expression cannot hold ';' ',' or spaces; the query is not part of a source match anyway. */
function cspSource(uri: string): string {
  const url = new URL(uri);
  return `${url.origin}${url.pathname}`.replace(/[;,\s]/g, encodeURIComponent);
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (value: string): string => value.replace(/[&<>"']/g, (c) => ESCAPES[c]);

export function layout(title: string, body: string): string {
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<meta name="referrer" content="no-referrer"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>` +
    `<body><main>${body}</main></body></html>`
  );
}

export interface LoginForm {
  action: string;
  clientId: string;
  csrf: string;
  /** The authorization request's query string, carried through the form unchanged. */
  authorize: string;
  username?: string;
  error?: string;
}

/**
 * The hosted sign-in form: plain HTML, no script. Labels name every field; the focus order is username,
 * password, button; an error is announced (role=alert) and the fields point at it (aria-describedby).
 */
export function renderLoginPage(form: LoginForm): string {
  const error = form.error ? `<p id="login-error" class="error" role="alert">${escapeHtml(form.error)}</p>` : '';
  const described = form.error ? ' aria-describedby="login-error" aria-invalid="true"' : '';
  const username = form.username ? ` value="${escapeHtml(form.username)}"` : '';
  const focusPassword = Boolean(form.username);
  return layout(
    'Sign in',
    `<h1>Sign in</h1><p class="client">to continue to ${escapeHtml(form.clientId)}</p>${error}` +
      `<form method="post" action="${escapeHtml(form.action)}">` +
      `<input type="hidden" name="csrf" value="${escapeHtml(form.csrf)}"><input type="hidden" name="authorize" value="${escapeHtml(form.authorize)}">` +
      `<label for="username">Username</label><input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required${username}${described}${focusPassword ? '' : ' autofocus'}>` +
      `<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required${described}${focusPassword ? ' autofocus' : ''}>` +
      `<button type="submit">Sign in</button></form>`,
  );
}

/** A page for what cannot go back to the application (unknown client, unregistered redirect URI, expired form). */
export function renderMessagePage(title: string, message: string): string {
  return layout(title, `<h1>${escapeHtml(title)}</h1><p role="alert">${escapeHtml(message)}</p>`);
}
