import fc from 'fast-check';

/** Keys and values the issuer's handlers read, so a generated body reaches past the parser now and then. */
const FIELDS = [
  'username',
  'password',
  'refresh_token',
  'grant_type',
  'token',
  'token_type_hint',
  'client_id',
  'client_secret',
  'scope',
  'resource',
  'audience',
  'subject_token',
  'subject_token_type',
  'jwk',
  'kid',
  'pem',
];
const POISON = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '__defineGetter__'];

const utf8 = (text: string) => Buffer.from(text, 'utf8');
const key = fc.oneof(fc.constantFrom(...FIELDS, ...POISON), fc.string({ maxLength: 12 }));
const scalar = fc.oneof(fc.string({ maxLength: 40 }), fc.integer(), fc.boolean(), fc.constant(null), fc.double({ noNaN: true, noDefaultInfinity: true }));

/** Syntactically valid JSON objects over the fields the routes read (the parser passes these on). */
const validObject = fc
  .dictionary(key, fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }), fc.dictionary(key, scalar, { maxKeys: 3 })), { maxKeys: 5 })
  .map((o) => JSON.stringify(o));

/** Broken escapes, lone surrogates, duplicate and poisoned keys, huge numbers, deep nesting, as text. */
const hostileJsonText = fc.oneof(
  fc.constantFrom(
    '{"\\x":1}',
    '{"a',
    '{"a":"\\u12"}',
    '{"a":"\\uZZZZ"}',
    '"\\',
    '{"a":"\\ud800"}',
    '{"a":"\\udc00\\ud800"}',
    '{"\\ud83d":1}',
    '{"username":"alice","username":"admin"}',
    '{"a":1,"a":1}',
    '{"__proto__":{"admin":true}}',
    '{"a":{"__proto__":{"x":1}}}',
    '{"constructor":{"prototype":{"x":1}}}',
    '[{"__proto__":null}]',
    '1e999999',
    '-1e-999999',
    `{"a":${'9'.repeat(5000)}}`,
    '{"a":0.0000000000000000000000000000000000000000000001e-400}',
    '{"a":-0}',
    '{"a":1.}',
    '{"a":.5}',
    '{"a":01}',
    '{"a":NaN}',
    '{"a":Infinity}',
    "{'a':1}",
    '{a:1}',
    '{"a":1,}',
    '[1,]',
    '{"a":"\t"}',
    '{"a":"\u0000"}',
    'null',
    'true',
    '""',
    '[]',
    '{}',
    ' ',
    '\n\r\t',
    '{"a":1}{"b":2}',
    '{"a":1} garbage',
    '{"a":1}\u0000',
    '/*c*/{"a":1}',
    '{"a":1}//c',
  ),
  fc.integer({ min: 1, max: 5000 }).map((n) => '['.repeat(n) + ']'.repeat(n)),
  fc.integer({ min: 1, max: 2000 }).map((n) => '{"a":'.repeat(n) + '1' + '}'.repeat(n)),
  fc.integer({ min: 1, max: 3000 }).map((n) => '['.repeat(n)),
  fc.tuple(key, scalar, scalar).map(([k, a, b]) => `{${JSON.stringify(k)}:${JSON.stringify(a)},${JSON.stringify(k)}:${JSON.stringify(b)}}`),
  fc.tuple(validObject, fc.string({ maxLength: 20 })).map(([json, tail]) => json + tail),
  fc.tuple(validObject, fc.nat()).map(([json, cut]) => json.slice(0, cut % (json.length + 1))),
  fc
    .tuple(validObject, fc.nat(), fc.string({ minLength: 1, maxLength: 3 }))
    .map(([json, at, junk]) => json.slice(0, at % (json.length + 1)) + junk + json.slice(at % (json.length + 1))),
  fc.string({ maxLength: 200, unit: 'binary' }),
  validObject,
);

/** Bytes no UTF-8 decoder accepts, spliced into JSON: overlongs, CESU surrogates, stray continuations, 0xFF. */
const INVALID_UTF8 = [
  [0xff],
  [0xc0, 0xaf],
  [0xed, 0xa0, 0x80],
  [0x80],
  [0xe2, 0x82],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xfe, 0xff],
].map((b) => Buffer.from(b));
const invalidUtf8 = fc.tuple(fc.oneof(validObject, hostileJsonText), fc.nat(), fc.constantFrom(...INVALID_UTF8)).map(([text, at, bad]) => {
  const bytes = utf8(text);
  const cut = at % (bytes.length + 1);
  return Buffer.concat([bytes.subarray(0, cut), bad, bytes.subarray(cut)]);
});

const BOMS = [Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from([0xff, 0xfe]), Buffer.from([0xfe, 0xff])];
const withBom = fc.tuple(fc.constantFrom(...BOMS), validObject).map(([bom, json]) => Buffer.concat([bom, utf8(json)]));
const utf16 = validObject.map((json) => Buffer.from(json, 'utf16le'));

export const jsonBody: fc.Arbitrary<Buffer> = fc.oneof(hostileJsonText.map(utf8), invalidUtf8, withBom, utf16);

/** Broken percent-encoding, repeated fields, bracket and __proto__ fields, binary junk. */
const formText = fc.oneof(
  fc.constantFrom(
    'a=%zz',
    'a=%',
    'a=%e0%a4%a',
    '%',
    '&&&',
    '=',
    '==&=',
    'a',
    'a==b',
    '__proto__[admin]=1',
    '__proto__=x',
    'constructor[prototype][x]=1',
    'grant_type=password&grant_type=refresh_token',
    'username=alice&username=admin&password=x',
    'a[b][c][d]=1',
    'a[]=1&a[]=2',
    'token=%00',
    'username=%ff%fe&password=%c0%af',
    'grant_type=client_credentials&scope=' + 'x'.repeat(10_000),
    'a=1;b=2',
    '+=+',
  ),
  fc
    .array(
      fc.tuple(
        fc.oneof(fc.constantFrom(...FIELDS, ...POISON, '__proto__[x]', 'constructor[prototype]'), fc.string({ maxLength: 8 })),
        fc.string({ maxLength: 20 }),
      ),
      { maxLength: 6 },
    )
    .map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('&')),
  fc.array(fc.constantFrom(...FIELDS), { minLength: 1, maxLength: 4 }).map((names) => [...names, ...names].map((n) => `${n}=x`).join('&')),
  fc.string({ maxLength: 100, unit: 'binary' }),
);
export const formBody: fc.Arbitrary<Buffer> = fc.oneof(
  formText.map(utf8),
  fc.tuple(formText, fc.constantFrom(...INVALID_UTF8)).map(([t, b]) => Buffer.concat([utf8(t), b])),
);

/** Wrong, missing and exotic content types (undefined: no header at all). */
export const contentType: fc.Arbitrary<string | undefined> = fc.oneof(
  fc.constantFrom(
    undefined,
    'application/json',
    'application/x-www-form-urlencoded',
    'application/json; charset=utf-8',
    'application/json; charset=utf-16',
    'application/json; charset=latin1',
    'application/json;charset="UTF-8"',
    'APPLICATION/JSON',
    'application/json;;;',
    'application/json; charset=',
    'application/x-www-form-urlencoded; charset=utf-7',
    'text/plain',
    'text/html',
    'multipart/form-data; boundary=x',
    'multipart/form-data',
    'application/jwt',
    'application/xml',
    'application/vnd.api+json',
    'application/merge-patch+json',
    'application/octet-stream',
    '*/*',
    'application/*',
    '',
    ' ',
    'application',
    'json',
    ';',
    'application/json, text/plain',
    'application/x-www-form-urlencoded, application/json',
  ),
  fc.string({ maxLength: 40 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')),
);

/** Authorization values: none, junk, bearer-shaped junk, broken Basic. */
export const authorization: fc.Arbitrary<string | undefined> = fc.constantFrom(
  undefined,
  'Bearer',
  'Bearer ',
  'Bearer x',
  'Bearer a.b.c',
  'Bearer eyJhbGciOiJub25lIn0.e30.',
  'Basic',
  'Basic !!!',
  'Basic Og==',
  'Basic ' + Buffer.from('orders-api:wrong').toString('base64'),
  'Basic ' + Buffer.from('\u0000:\u0000').toString('base64'),
  'Digest x',
  'bearer  x  y',
);

export const anyBody: fc.Arbitrary<Buffer | undefined> = fc.oneof(jsonBody, formBody, fc.constant(undefined), fc.constant(Buffer.alloc(0)));
