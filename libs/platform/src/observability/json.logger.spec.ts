import { generateKeyPairSync } from 'node:crypto';
import { createPinoLogger, JsonLogger, type LogLevelName } from './json.logger';
import { scrub } from './log.redaction';

const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJlLXZhbHVl';
// Made at run time: no private key, real or truncated, is kept in the repository.
const PEM = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString().trim();

function capture(level: LogLevelName = 'trace'): { lines: string[]; logger: JsonLogger } {
  const lines: string[] = [];
  const pino = createPinoLogger(level, 'spec', { write: (line: string) => lines.push(line) });
  return { lines, logger: new JsonLogger(pino) };
}

describe('JSON logs', () => {
  it('write one JSON object per line with level, app and context', () => {
    const { lines, logger } = capture();
    logger.log('hello', 'Ctx');
    expect(JSON.parse(lines[0])).toMatchObject({ level: 'info', app: 'spec', context: 'Ctx', msg: 'hello' });
  });

  it.each([
    ['a bearer header', `authorization: Bearer ${JWT}`],
    ['a bare JWT', `refused token ${JWT}`],
    ['a basic header', 'Basic bm9ib2R5OnNlY3JldC12YWx1ZQ=='],
    ['a form body', 'grant_type=refresh_token&refresh_token=opaque-secret-value&client_secret=opaque-secret-value'],
    ['JSON text', '{"password":"opaque-secret-value","access_token":"opaque-secret-value"}'],
    ['a PEM private key', PEM],
    ['a URL with credentials', 'postgres://user:opaque-secret-value@db/x'],
  ])('scrub %s from messages at every level', (_name, text) => {
    const { lines, logger } = capture();
    for (const method of ['log', 'error', 'warn', 'debug', 'verbose', 'fatal'] as const) logger[method](text, 'Ctx');
    logger.error(new Error(text));
    expect(lines).toHaveLength(7);
    const output = lines.join('\n');
    for (const secret of ['opaque-secret-value', 'c2lnbmF0dXJlLXZhbHVl', 'bm9ib2R5OnNlY3JldC12YWx1ZQ', 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC'])
      expect(output).not.toContain(secret);
  });

  it('redact structured fields by name, top level and one level down, and request headers', () => {
    const lines: string[] = [];
    const pino = createPinoLogger('trace', 'spec', { write: (line: string) => lines.push(line) });
    pino.info(
      {
        password: 'p1-secret',
        body: { refresh_token: 'r1-secret', client_secret: 'c1-secret' },
        req: { headers: { authorization: 'a1-secret', cookie: 'k1-secret' } },
        token: 't1-secret',
      },
      'structured',
    );
    const output = lines.join('');
    expect(output).not.toMatch(/p1-secret|r1-secret|c1-secret|a1-secret|k1-secret|t1-secret/);
    expect(output).toContain('[redacted]');
  });

  it('leave ordinary text readable', () => {
    expect(scrub('refused: ERR_TOKEN_EXPIRED for kid abc')).toBe('refused: ERR_TOKEN_EXPIRED for kid abc');
  });

  it('drop lines below the level', () => {
    const { lines, logger } = capture('warn');
    logger.debug('quiet');
    logger.log('quiet');
    logger.warn('loud');
    expect(lines).toHaveLength(1);
  });
});
