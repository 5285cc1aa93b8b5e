import { adminAudienceOf } from '@app/contract';
import { adminLogin, call, HttpResult } from '../../support/http';
import type { TestSystem } from '../../support/test-system';
import { rawRequest } from './raw-http';

/** A guarded endpoint of each app, with the audience its guard expects. */
export interface Target {
  name: string;
  url: string;
  audience: string;
  /** A real token this target accepts where the admin's session token is not one: the issuer's admin API. */
  ownToken?: () => Promise<string>;
}

export function guardedTargets(system: TestSystem): Target[] {
  return [
    { name: 'orders-api', url: `${system.ordersUrl}/me`, audience: 'orders-api' },
    { name: 'billing-api', url: `${system.billingUrl}/me`, audience: 'billing-api' },
    { name: 'auth-issuer', url: `${system.issuerUrl}/admin/keys`, audience: adminAudienceOf(system.issuerUrl), ownToken: () => adminLogin(system.issuerUrl) },
  ];
}

/** What every refusal must look like: the RFC 6750 challenge and a body that says nothing more. */
export const UNAUTHORIZED_BODY = { statusCode: 401, message: 'Unauthorized' };
/** A refusal must come back at once: no remote fetch, no hang on odd input. Generous for a loaded CI box. */
export const PROMPT_MS = 1500;

export interface Outcome {
  name: string;
  status: number;
  challenge: string | null;
  body: unknown;
  prompt: boolean;
}

/** Sends `Authorization: Bearer <token>` exactly, and records what a client sees. */
export async function presentToken(url: string, token: string, name: string): Promise<Outcome> {
  const started = Date.now();
  const result = await rawRequest('GET', url, [['authorization', `Bearer ${token}`]]);
  return outcome(name, result, started);
}

export function outcome(name: string, result: Pick<HttpResult, 'status' | 'headers' | 'body'>, started: number): Outcome {
  return { name, status: result.status, challenge: result.headers.get('www-authenticate'), body: result.body, prompt: Date.now() - started < PROMPT_MS };
}

/** The expectation for a presented-but-refused token, written so a failure names the case. */
export function invalidToken(name: string): Outcome {
  return { name, status: 401, challenge: expect.stringMatching(/^Bearer realm="[^"]+", error="invalid_token"$/), body: UNAUTHORIZED_BODY, prompt: true };
}

/** The admin's session token, or the target's own kind where it takes no session token. */
export async function realTokenAt(target: Target, sessionToken: string): Promise<string> {
  return target.ownToken ? target.ownToken() : sessionToken;
}

/** Every (case, target) pair ends in 401 invalid_token, and each target still serves a good token afterwards. */
export async function expectAllRefused(targets: Target[], cases: [string, string | ((t: Target) => string)][], goodToken: (t: Target) => string): Promise<void> {
  for (const target of targets) {
    const outcomes: Outcome[] = [];
    for (const [name, token] of cases) {
      outcomes.push(await presentToken(target.url, typeof token === 'function' ? token(target) : token, `${target.name}: ${name}`));
    }
    expect(outcomes).toEqual(outcomes.map((o) => invalidToken(o.name)));
    await expectServing(target, await realTokenAt(target, goodToken(target)));
  }
}

/** The process still answers a valid request after the attack. */
export async function expectServing(target: Target, token: string): Promise<void> {
  const result = await call('GET', target.url, { token });
  expect({ target: target.name, status: result.status }).toEqual({ target: target.name, status: 200 });
}
