/**
 * What JSON.parse lets through but a security boundary should not: duplicate member names
 * (RFC 7515 §4 / RFC 7519 §4 allow rejecting them, and parsers disagree on which one wins)
 * and nesting deeper than any legitimate document needs.
 */
export type JsonProblem = 'duplicate_key' | 'too_deep';

interface Frame {
  keys?: Set<string>;
  expectKey: boolean;
}

/**
 * Scans `text`, which must already have parsed with JSON.parse, without recursion.
 * Keys are compared after unescaping, so `"a"` and `"\u0061"` count as the same name.
 */
export function findJsonProblem(text: string, maxDepth: number): JsonProblem | undefined {
  const stack: Frame[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '{' || ch === '[') {
      if (stack.length >= maxDepth) return 'too_deep';
      stack.push(ch === '{' ? { keys: new Set(), expectKey: true } : { expectKey: false });
    } else if (ch === '}' || ch === ']') {
      stack.pop();
    } else if (ch === ',') {
      const top = stack[stack.length - 1];
      if (top?.keys) top.expectKey = true;
    } else if (ch === '"') {
      const end = endOfString(text, i);
      const top = stack[stack.length - 1];
      if (top?.keys && top.expectKey) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        if (top.keys.has(key)) return 'duplicate_key';
        top.keys.add(key);
        top.expectKey = false;
      }
      i = end;
    }
  }
  return undefined;
}

/** Index of the quote closing the string that opens at `start`. */
function endOfString(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return text.length - 1;
}
