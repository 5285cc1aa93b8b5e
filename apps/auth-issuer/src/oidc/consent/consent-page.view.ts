import { escapeHtml, layout } from '../login/login-page.view';

export interface ConsentForm {
  action: string;
  clientId: string;
  scopes: readonly string[];
  audiences: readonly string[];
  csrf: string;
  /** The authorization request's query string, carried through the form unchanged. */
  authorize: string;
}

/** What each OpenID scope lets the app do, in words; other scopes are the services' own and are shown by name. */
const SCOPE_WORDS: Record<string, string> = {
  openid: 'Know who you are (your account identifier)',
  profile: 'See your username and name',
  email: 'See your e-mail address',
  offline_access: 'Stay signed in when you are away (refresh tokens)',
};

/**
 * The consent page: plain HTML, no script. Headings name the two lists; "Allow" comes first in the focus
 * order and has the focus, "Deny" is a second submit button of the same form (both carry the CSRF token).
 */
export function renderConsentPage(form: ConsentForm): string {
  const client = escapeHtml(form.clientId);
  const scopes = form.scopes.map((scope) => `<li>${escapeHtml(SCOPE_WORDS[scope] ?? `Use ${scope}`)}</li>`).join('');
  const audiences = form.audiences.map((audience) => `<li>${escapeHtml(audience)}</li>`).join('');
  return layout(
    'Allow access',
    `<h1>Allow access?</h1><p class="client">${client} wants to sign you in and act for you.</p>` +
      `<h2 id="scopes-heading">It asks to</h2><ul aria-labelledby="scopes-heading">${scopes}</ul>` +
      (audiences ? `<h2 id="audiences-heading">at these services</h2><ul aria-labelledby="audiences-heading">${audiences}</ul>` : '') +
      `<form method="post" action="${escapeHtml(form.action)}">` +
      `<input type="hidden" name="csrf" value="${escapeHtml(form.csrf)}"><input type="hidden" name="authorize" value="${escapeHtml(form.authorize)}">` +
      `<button type="submit" name="decision" value="allow" autofocus>Allow</button>` +
      `<button type="submit" name="decision" value="deny" class="secondary">Deny</button></form>`,
  );
}
