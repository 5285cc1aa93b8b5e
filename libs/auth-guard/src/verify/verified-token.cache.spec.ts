import { generateKeyPairSync } from 'node:crypto';
import type { AccessTokenClaims } from '@app/contract';
import type { VerificationKey } from '../keys/key-source';
import { VerificationError } from './verification.error';
import { VerifiedTokenCache } from './verified-token.cache';

const key: VerificationKey = { kid: 'k1', alg: 'ES256', key: generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey };
const claims = { sub: 'alice' } as AccessTokenClaims;
const TAIL = 'T'.repeat(40);
const NOW = 1_000;

describe('VerifiedTokenCache', () => {
  it('answers only the exact token, even for another token ending alike', () => {
    const cache = new VerifiedTokenCache(10);
    cache.set(`a.b.${TAIL}`, { key, claims, expiresAt: NOW + 1 });
    expect(cache.get(`a.b.${TAIL}`, NOW)?.claims).toBe(claims);
    expect(cache.get(`x.b.${TAIL}`, NOW)).toBeUndefined();
    expect(cache.get(`a.b.${TAIL}x`, NOW)).toBeUndefined();
  });

  it('keeps an acceptance when a refusal ends alike (garbage with a copied signature tail cannot evict it)', () => {
    const cache = new VerifiedTokenCache(10);
    cache.set(`a.b.${TAIL}`, { key, claims, expiresAt: NOW + 1 });
    cache.set(`forged.b.${TAIL}`, { key, refusal: new VerificationError('ERR_SIGNATURE_INVALID'), expiresAt: NOW + 1 });
    expect(cache.get(`a.b.${TAIL}`, NOW)?.claims).toBe(claims);
    expect(cache.get(`forged.b.${TAIL}`, NOW)).toBeUndefined();
  });

  it('lets an acceptance take the place of a refusal ending alike', () => {
    const cache = new VerifiedTokenCache(10);
    cache.set(`forged.b.${TAIL}`, { key, refusal: new VerificationError('ERR_SIGNATURE_INVALID'), expiresAt: NOW + 1 });
    cache.set(`a.b.${TAIL}`, { key, claims, expiresAt: NOW + 1 });
    expect(cache.get(`a.b.${TAIL}`, NOW)?.claims).toBe(claims);
    expect(cache.size).toBe(1);
  });

  it('forgets an entry at its expiry, deletes only the exact token, and drops by kid', () => {
    const cache = new VerifiedTokenCache(10);
    cache.set(`a.b.${TAIL}`, { key, claims, expiresAt: NOW + 1 });
    cache.delete(`x.b.${TAIL}`);
    expect(cache.get(`a.b.${TAIL}`, NOW)).toBeDefined();
    expect(cache.get(`a.b.${TAIL}`, NOW + 1)).toBeUndefined();
    cache.set('a.b.one', { key, claims, expiresAt: NOW + 1 });
    cache.set('a.b.two', { key: { ...key, kid: 'k2' }, claims, expiresAt: NOW + 1 });
    cache.dropKid('k1');
    expect([cache.get('a.b.one', NOW), cache.get('a.b.two', NOW)?.key.kid]).toEqual([undefined, 'k2']);
  });

  it('holds at most its capacity, the oldest going first', () => {
    const cache = new VerifiedTokenCache(2);
    for (const token of ['a.b.1', 'a.b.2', 'a.b.3']) cache.set(token, { key, claims, expiresAt: NOW + 1 });
    expect(cache.size).toBe(2);
    expect(cache.get('a.b.1', NOW)).toBeUndefined();
    expect(cache.get('a.b.3', NOW)).toBeDefined();
  });
});
