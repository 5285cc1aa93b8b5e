/** Requests no well-behaved client library would send, as raw bytes: lying lengths, junk and oversized headers. */
export function rawCases(path: string): [string, Buffer][] {
  const crlf = (lines: string[], body = '') => Buffer.from(lines.join('\r\n') + '\r\n\r\n' + body, 'latin1');
  const head = (method: string, extra: string[]) => [`${method} ${path} HTTP/1.1`, 'host: x', ...extra];
  return [
    ['content-length larger than sent, then close', crlf(head('POST', ['content-type: application/json', 'content-length: 100']), '{"username":"al')],
    ['form body cut short', crlf(head('POST', ['content-type: application/x-www-form-urlencoded', 'content-length: 5000']), 'grant_type=pass')],
    ['chunked body never finished', crlf(head('POST', ['content-type: application/json', 'transfer-encoding: chunked']), '5\r\n{"a":')],
    ['chunk size not hex', crlf(head('POST', ['content-type: application/json', 'transfer-encoding: chunked']), 'zz\r\n{}\r\n0\r\n\r\n')],
    [
      'content-length and transfer-encoding',
      crlf(head('POST', ['content-type: application/json', 'content-length: 2', 'transfer-encoding: chunked']), '2\r\n{}\r\n0\r\n\r\n'),
    ],
    ['two different content-lengths', crlf(head('POST', ['content-type: application/json', 'content-length: 2', 'content-length: 3']), '{}')],
    ['negative content-length', crlf(head('POST', ['content-type: application/json', 'content-length: -1']), '{}')],
    ['huge content-length', crlf(head('POST', ['content-type: application/json', 'content-length: 99999999999999999999']), '{}')],
    ['body over the limit', crlf(head('POST', ['content-type: application/json', 'content-length: 40000']), '{"a":"' + 'x'.repeat(39990) + '"}')],
    ['header of 64 KiB', crlf(head('GET', [`x-big: ${'a'.repeat(65536)}`]))],
    ['authorization of 20 KiB', crlf(head('GET', [`authorization: Bearer ${'a'.repeat(20000)}`]))],
    [
      '10 000 headers',
      crlf(
        head(
          'GET',
          Array.from({ length: 10000 }, (_, i) => `x-h${i}: v`),
        ),
      ),
    ],
    ['header line without colon', crlf(head('GET', ['this is not a header']))],
    ['NUL in a header value', crlf(head('GET', ['authorization: Bearer a\u0000b']))],
    [
      'bytes 0x80-0xff in header values',
      crlf(head('POST', ['content-type: application/json\u00ff', 'authorization: Bearer \u00e9\u00ff', 'content-length: 2']), '{}'),
    ],
    ['obsolete line folding', crlf(head('GET', ['authorization: Bearer', ' folded']))],
    ['space before the colon', crlf(head('GET', ['authorization : Bearer x']))],
    ['bare LF line ends', Buffer.from(`POST ${path} HTTP/1.1\nhost: x\ncontent-type: application/json\ncontent-length: 2\n\n{}`, 'latin1')],
    ['CR inside a header value', crlf(head('GET', ['x-a: b\rc']))],
    ['junk request line', Buffer.from('\u0000\u00ff\u0001 GARBAGE\r\n\r\n', 'latin1')],
    ['unknown method', crlf(head('BREW', []))],
    ['HTTP/0.9-style request', Buffer.from(`GET ${path}\r\n`, 'latin1')],
    ['HTTP/2 preface on HTTP/1.1', Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1')],
    ['absolute-form target', crlf([`GET http://evil.example${path} HTTP/1.1`, 'host: x'])],
    ['no host header', crlf([`GET ${path} HTTP/1.1`])],
    ['two host headers', crlf(head('GET', ['host: y']))],
    ['expect: 100-continue, no body', crlf(head('POST', ['content-type: application/json', 'content-length: 10', 'expect: 100-continue']))],
    ['cookie header of junk', crlf(head('POST', ['cookie: ;;;=;__Secure-a=%ff; a="b', 'content-type: application/json', 'content-length: 2']), '{}')],
    ['only the request line, then close', Buffer.from(`POST ${path} HTTP/1.1\r\n`, 'latin1')],
  ];
}
