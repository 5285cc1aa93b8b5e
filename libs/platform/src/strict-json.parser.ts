import type { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppError } from './app-error';
import { findJsonProblem, JsonProblem } from './strict-json';

/** What the parser reads of a request (Nest bundles its own Fastify, so its types are not the root package's). */
interface BodyRequest {
  headers: Record<string, string | string[] | undefined>;
}

/** Deeper than any request body this product takes. */
const BODY_MAX_DEPTH = 32;

const PROBLEM_TEXT: Record<JsonProblem, string> = {
  invalid: 'request body is not valid JSON',
  duplicate_key: 'duplicate member name in JSON body',
  too_deep: 'JSON body nested too deeply',
  lone_surrogate: 'JSON body contains an unpaired UTF-16 surrogate',
};

/** RFC 8259 §8.1: JSON exchanged between systems is UTF-8; anything else is refused, never guessed. */
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function badRequest(message: string, statusCode = 400): Error {
  return Object.assign(new Error(message), { statusCode });
}

/** `charset` parameter of the content type, lower-cased, when one is given. */
function charsetOf(request: BodyRequest): string | undefined {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(String(request.headers['content-type'] ?? ''));
  return match?.[1].toLowerCase();
}

/**
 * Decodes and parses a JSON request body, or names the problem. Never throws: Fastify calls
 * content-type parsers outside any try/catch, so a throw here would end the process.
 */
function parseStrictJsonBody(request: BodyRequest, body: Buffer): { value?: unknown; error?: Error } {
  try {
    const charset = charsetOf(request);
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
      return { error: badRequest(`unsupported charset "${charset}"; send UTF-8`, 415) };
    }
    let text: string;
    try {
      text = UTF8.decode(body);
    } catch {
      return { error: badRequest('request body is not valid UTF-8') };
    }
    if (text.length === 0) return { value: undefined };
    const problem = findJsonProblem(text, BODY_MAX_DEPTH);
    if (problem) return { error: badRequest(PROBLEM_TEXT[problem]) };
    // Same prototype-poisoning refusal as Fastify's own parser.
    const value: unknown = JSON.parse(text, refusePoisonedKeys);
    return { value };
  } catch {
    return { error: badRequest(PROBLEM_TEXT.invalid) };
  }
}

/** Thrown inside JSON.parse's reviver and caught at once: the caller only ever sees the 400. */
class PoisonedJsonError extends AppError<'ERR_JSON_POISONED_KEY'> {
  constructor(key: string) {
    super('ERR_JSON_POISONED_KEY', key);
  }
}

function refusePoisonedKeys(key: string, value: unknown): unknown {
  if (key === '__proto__') throw new PoisonedJsonError('__proto__ key');
  if (key === 'constructor' && value !== null && typeof value === 'object' && 'prototype' in value) throw new PoisonedJsonError('constructor.prototype');
  return value;
}

/**
 * JSON request bodies: strict UTF-8, no duplicate member names ({"username":"alice","username":"admin"}
 * means different things to different parsers), no deep nesting, no lone surrogates, no __proto__.
 * Every refusal is a 4xx before any handler runs.
 */
export function useStrictJsonBodies(app: NestFastifyApplication, bodyLimit: number): void {
  const adapter = app.getHttpAdapter() as unknown as FastifyAdapter;
  // Nest's JSON and form parsers first, as app.init() would register them; then JSON is swapped for the strict one.
  adapter.registerParserMiddleware();
  const fastify = adapter.getInstance();
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit }, (request, body, done) => {
    const { value, error } = parseStrictJsonBody(request, body as Buffer);
    if (error) done(error, undefined);
    else done(null, value);
  });
}
