import { isS256Challenge, verifiesS256 } from './pkce';

// RFC 7636 Appendix B.
const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const challenge = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

describe('PKCE S256', () => {
  it('accepts the RFC 7636 example', () => expect(verifiesS256(verifier, challenge)).toBe(true));
  it.each([
    ['another verifier', `${verifier.slice(0, -1)}Y`, challenge],
    ['the challenge as verifier (plain)', challenge, challenge],
    ['a short verifier', 'abc', challenge],
    ['a verifier with a space', `${verifier} `, challenge],
    ['a malformed challenge', verifier, 'x'],
  ])('refuses %s', (_name, v, c) => expect(verifiesS256(v, c)).toBe(false));
  it('knows an S256 challenge by shape', () => {
    expect(isS256Challenge(challenge)).toBe(true);
    expect(isS256Challenge('plain-challenge')).toBe(false);
  });
});
