import type { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { findJsonProblem } from './strict-json';

/** Deeper than any request body this product takes. */
const BODY_MAX_DEPTH = 32;

/**
 * JSON request bodies as Nest parses them (__proto__ refused), plus a refusal of duplicate member names
 * ({"username":"alice","username":"admin"} means different things to different parsers) and of deep nesting.
 * Refusals are 400s before any handler runs.
 */
export function useStrictJsonBodies(app: NestFastifyApplication, bodyLimit: number): void {
  const adapter = app.getHttpAdapter() as unknown as FastifyAdapter;
  // Nest's JSON and form parsers first, as app.init() would register them; then JSON is swapped for the strict one.
  adapter.registerParserMiddleware();
  const fastify = adapter.getInstance();
  const parse = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit }, (request, body, done) => {
    const text = body as string;
    const problem = text.length > 0 ? findJsonProblem(text, BODY_MAX_DEPTH) : undefined;
    if (problem) {
      done(Object.assign(new Error(problem === 'duplicate_key' ? 'duplicate member name in JSON body' : 'JSON body nested too deeply'), { statusCode: 400 }), undefined);
      return;
    }
    parse(request, text, done);
  });
}
