/**
 * What JSON.parse lets through but a security boundary should not: duplicate member names
 * (RFC 7515 §4 / RFC 7519 §4 allow rejecting them, and parsers disagree on which one wins),
 * nesting deeper than any legitimate document needs, and strings holding lone UTF-16 surrogates
 * (RFC 8259 §8.2: not interoperable; they cannot be stored or compared as UTF-8).
 * `invalid` covers text that is not JSON at all, so a caller can never be surprised by a throw.
 */
export type JsonProblem = 'invalid' | 'duplicate_key' | 'too_deep' | 'lone_surrogate';

interface Frame {
  keys?: Set<string>;
  expectKey: boolean;
}

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Scans `text` without recursion and never throws: text that is not valid JSON yields `invalid`.
 * Keys are compared after unescaping, so `"a"` and `"\u0061"` count as the same name.
 * The depth check runs before JSON.parse so a hostile document never reaches the recursive parser.
 */
export function findJsonProblem(text: string, maxDepth: number): JsonProblem | undefined {
  const stack: Frame[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '{' || ch === '[') {
      if (stack.length >= maxDepth) return 'too_deep';
      stack.push(ch === '{' ? { keys: new Set(), expectKey: true } : { expectKey: false });
    } else if (ch === '}' || ch === ']') {
      if (stack.pop() === undefined) return 'invalid';
    } else if (ch === ',') {
      const top = stack[stack.length - 1];
      if (top?.keys) top.expectKey = true;
    } else if (ch === '"') {
      const end = endOfString(text, i);
      if (end < 0) return 'invalid';
      const value = parseString(text.slice(i, end + 1));
      if (value === undefined) return 'invalid';
      if (LONE_SURROGATE.test(value)) return 'lone_surrogate';
      const top = stack[stack.length - 1];
      if (top?.keys && top.expectKey) {
        if (top.keys.has(value)) return 'duplicate_key';
        top.keys.add(value);
        top.expectKey = false;
      }
      i = end;
    }
  }
  if (stack.length > 0) return 'invalid';
  try {
    JSON.parse(text);
  } catch {
    return 'invalid';
  }
  return undefined;
}

/** Index of the quote closing the string that opens at `start`, or -1 when it never closes. */
function endOfString(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return -1;
}

function parseString(literal: string): string | undefined {
  try {
    const value: unknown = JSON.parse(literal);
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}
