import { GuardMetrics, VerificationFailure } from '@app/auth-guard';
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

export interface Outcome {
  name: string;
  status: number;
  challenge: string | null;
  body: unknown;
}

/** Sends `Authorization: Bearer <token>` exactly, and records what a client sees. */
export async function presentToken(url: string, token: string, name: string): Promise<Outcome> {
  return outcome(name, await rawRequest('GET', url, [['authorization', `Bearer ${token}`]]));
}

export function outcome(name: string, result: Pick<HttpResult, 'status' | 'headers' | 'body'>): Outcome {
  return { name, status: result.status, challenge: result.headers.get('www-authenticate'), body: result.body };
}

/** The expectation for a presented-but-refused token, written so a failure names the case. */
export function invalidToken(name: string): Outcome {
  return { name, status: 401, challenge: expect.stringMatching(/^Bearer realm="[^"]+", error="invalid_token"$/), body: UNAUTHORIZED_BODY };
}

/** The admin's session token, or the target's own kind where it takes no session token. */
export async function realTokenAt(target: Target, sessionToken: string): Promise<string> {
  return target.ownToken ? target.ownToken() : sessionToken;
}

/** Every (case, target) pair ends in 401 invalid_token, and each target still serves a good token afterwards. */
export async function expectAllRefused(
  targets: Target[],
  cases: [string, string | ((t: Target) => string)][],
  goodToken: (t: Target) => string,
): Promise<void> {
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

/** What a case must end in: accepted (a positive control) or refused for exactly this reason. */
export type Verdict = 'accepted' | VerificationFailure;
export type VerdictCase = [name: string, token: string, verdict: Verdict];

/**
 * The reason codes guards counted while `send` ran. The apps run in this process, so every guard's
 * GuardMetrics is observable here; the HTTP body stays bare and is never where a reason is read.
 * Only meaningful for one request at a time (the cases below run sequentially).
 */
export async function countedDuring<T>(send: () => Promise<T>): Promise<{ result: T; reasons: string[] }> {
  const spy = jest.spyOn(GuardMetrics.prototype, 'increment');
  const before = spy.mock.calls.length;
  const result = await send();
  // Push events (event:keys-changed ...) are counted too; they are not a verdict on this request.
  const reasons = spy.mock.calls
    .slice(before)
    .map(([reason]) => reason)
    .filter((reason) => !reason.startsWith('event:'));
  return { result, reasons };
}

/**
 * Each case at each target ends as its verdict says, and for the reason it says: a refusal is 401
 * invalid_token with a bare body and the named reason counted; a control is 200 and counted 'accepted'.
 * Controls built by the same code as the forgeries, minus the defect, prove the refusals are not vacuous.
 */
export async function expectVerdicts(targets: Target[], casesFor: (t: Target) => VerdictCase[]): Promise<void> {
  for (const target of targets) {
    const cases = casesFor(target);
    expect(cases.some(([, , verdict]) => verdict === 'accepted')).toBe(true);
    const seen: unknown[] = [];
    const wanted: unknown[] = [];
    for (const [name, token, verdict] of cases) {
      const label = `${target.name}: ${name}`;
      const { result, reasons } = await countedDuring(() => presentToken(target.url, token, label));
      seen.push({ ...result, reasons });
      wanted.push(
        verdict === 'accepted'
          ? { name: label, status: 200, challenge: null, body: expect.anything(), reasons: ['accepted'] }
          : { ...invalidToken(label), reasons: [verdict] },
      );
    }
    expect(seen).toEqual(wanted);
  }
}
