import fc from 'fast-check';
import { decodeIssuerEvent, encodeIssuerEvent, IssuerEvent, MAX_ISSUER_EVENT_BYTES } from './issuer-event.codec';

const kid = fc.stringMatching(/^[A-Za-z0-9._-]{1,128}$/);
const event: fc.Arbitrary<IssuerEvent> = fc.oneof(
  fc.constant({ type: 'keys-changed' as const }),
  kid.map((k) => ({ type: 'key-revoked' as const, kid: k })),
  fc.record({ type: fc.constant('subject-cutoff' as const), sub: fc.string({ minLength: 1, maxLength: 255 }), at: fc.nat() }),
);

describe('issuer event codec', () => {
  it('decodes what it encodes, for every event', () => {
    fc.assert(fc.property(event, (e) => expect(decodeIssuerEvent(encodeIssuerEvent(e))).toEqual(e)));
  });

  it('encodes with members in a fixed order, as the publishers always have', () => {
    expect(encodeIssuerEvent({ type: 'keys-changed' })).toBe('{"type":"keys-changed"}');
    expect(encodeIssuerEvent({ type: 'key-revoked', kid: 'k1' })).toBe('{"type":"key-revoked","kid":"k1"}');
    expect(encodeIssuerEvent({ at: 5, sub: 'u1', type: 'subject-cutoff' })).toBe('{"type":"subject-cutoff","sub":"u1","at":5}');
  });

  it.each([
    ['not JSON', 'not json'],
    ['empty', ''],
    ['null', 'null'],
    ['an array', '[{"type":"keys-changed"}]'],
    ['a string', '"keys-changed"'],
    ['no type', '{}'],
    ['an unknown type', '{"type":"keys-removed"}'],
    ['a non-string type', '{"type":7}'],
    ['a missing kid', '{"type":"key-revoked"}'],
    ['a kid of the wrong type', '{"type":"key-revoked","kid":7}'],
    ['a kid outside the pattern', '{"type":"key-revoked","kid":"../x"}'],
    ['a kid too long', JSON.stringify({ type: 'key-revoked', kid: 'k'.repeat(129) })],
    ['an extra member', '{"type":"keys-changed","kid":"k1"}'],
    ['a __proto__ member', '{"type":"keys-changed","__proto__":{}}'],
    ['a missing at', '{"type":"subject-cutoff","sub":"u1"}'],
    ['an at that is a string', '{"type":"subject-cutoff","sub":"u1","at":"1"}'],
    ['a fractional at', '{"type":"subject-cutoff","sub":"u1","at":1.5}'],
    ['a negative at', '{"type":"subject-cutoff","sub":"u1","at":-1}'],
    ['an infinite at', '{"type":"subject-cutoff","sub":"u1","at":1e999}'],
    ['an empty sub', '{"type":"subject-cutoff","sub":"","at":1}'],
    ['oversize text', JSON.stringify({ type: 'keys-changed' }) + ' '.repeat(MAX_ISSUER_EVENT_BYTES)],
    ['oversize in bytes though short in characters', JSON.stringify({ type: 'subject-cutoff', sub: 'é'.repeat(255), at: 1 }) + ' '.repeat(600)],
  ])('refuses %s', (_name, text) => {
    expect(decodeIssuerEvent(text)).toBeUndefined();
  });

  it('refuses what is not text', () => {
    for (const value of [undefined, null, 7, {}, Buffer.from('{"type":"keys-changed"}')]) expect(decodeIssuerEvent(value)).toBeUndefined();
  });

  it('never throws on generated garbage, and anything it accepts re-encodes to an event it accepts', () => {
    const garbage = fc.oneof(
      fc.string({ maxLength: 2000 }),
      fc.json(),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      event.map((e) => JSON.stringify({ ...e, extra: 1 })),
    );
    fc.assert(
      fc.property(garbage, (text) => {
        const decoded = decodeIssuerEvent(text);
        if (decoded) expect(decodeIssuerEvent(encodeIssuerEvent(decoded))).toEqual(decoded);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses every event with a member added or removed', () => {
    fc.assert(
      fc.property(event, fc.string({ minLength: 1, maxLength: 8 }), (e, name) => {
        const members = Object.keys(e);
        fc.pre(!members.includes(name));
        expect(decodeIssuerEvent(JSON.stringify({ ...e, [name]: 1 }))).toBeUndefined();
        if (members.length > 1) expect(decodeIssuerEvent(JSON.stringify({ ...e, [members[members.length - 1]]: undefined }))).toBeUndefined();
      }),
    );
  });
});
