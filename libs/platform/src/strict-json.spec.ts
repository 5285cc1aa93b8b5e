import { findJsonProblem } from './strict-json';

describe('findJsonProblem', () => {
  const cases: [string, string, number, string | undefined][] = [
    ['plain object', '{"a":1,"b":[1,2,{"c":"d"}]}', 8, undefined],
    ['duplicate top-level key', '{"sub":"a","sub":"b"}', 8, 'duplicate_key'],
    ['duplicate after unescaping', '{"sub":"a","\\u0073ub":"b"}', 8, 'duplicate_key'],
    ['duplicate nested key', '{"a":{"x":1,"x":2}}', 8, 'duplicate_key'],
    ['same key in sibling objects is fine', '[{"x":1},{"x":2}]', 8, undefined],
    ['key-like text inside a value', '{"a":"\\"a\\":1","b":"a"}', 8, undefined],
    ['string values equal to keys', '{"a":"a","b":"a"}', 8, undefined],
    ['nesting at the limit', '[[[1]]]', 3, undefined],
    ['nesting past the limit', '[[[[1]]]]', 3, 'too_deep'],
    ['scalar document', '"x"', 1, undefined],
  ];
  it.each(cases)('%s', (_name, text, depth, expected) => {
    JSON.parse(text);
    expect(findJsonProblem(text, depth)).toBe(expected);
  });
});

describe('findJsonProblem on text that is not JSON', () => {
  const broken: [string, string, string][] = [
    ['bad escape in a key', '{"\\x":1}', 'invalid'],
    ['unterminated key', '{"a', 'invalid'],
    ['unterminated object', '{"a":1', 'invalid'],
    ['stray closer', ']', 'invalid'],
    ['trailing garbage', '{"a":1}x', 'invalid'],
    ['lone high surrogate', '{"a":"\\ud800"}', 'lone_surrogate'],
    ['lone low surrogate key', '{"\\udc00":1}', 'lone_surrogate'],
    ['a BOM', '\ufeff{"a":1}', 'invalid'],
  ];
  it.each(broken)('%s is named, never thrown', (_name, text, expected) => {
    expect(() => findJsonProblem(text, 8)).not.toThrow();
    expect(findJsonProblem(text, 8)).toBe(expected);
  });

  it('a paired surrogate is fine', () => {
    expect(findJsonProblem('{"a":"\\ud83d\\ude00"}', 8)).toBeUndefined();
  });
});
