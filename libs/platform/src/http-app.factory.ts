import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import helmet from '@fastify/helmet';
import type { Server } from 'node:net';
import { serveLiveness } from './liveness.route';
import { JsonLogger, createPinoLogger, type LogLevelName } from './observability/json.logger';
import { readLogLevel } from './observability/log.config';
import { enterRequest, requestIdFrom } from './observability/request-id';
import { useStrictJsonBodies } from './strict-json.parser';

/** Request bodies above this are refused with 413 before any handler runs. */
export const BODY_LIMIT_BYTES = 16 * 1024;

export interface HttpAppOptions {
  /** false: no log output at all (tests of the guard alone). */
  logger?: false;
  /** Default: LOG_LEVEL from the process env (readLogLevel). */
  logLevel?: LogLevelName;
  /** The `app` field of every log line. */
  name?: string;
  trustProxy?: boolean | number | string;
  /** Exact origins allowed by CORS; empty or absent: no CORS headers (browsers refuse cross-origin calls). */
  corsOrigins?: string[];
}

/**
 * Every app runs on Fastify (about 5x Express here) with helmet and a small body limit (Nest's adapter parses JSON and
 * form bodies itself), and answers the liveness probe GET /health/live.
 */
export async function createHttpApp(module: Type<unknown> | DynamicModule, options: HttpAppOptions = {}): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: options.trustProxy ?? false,
    routerOptions: { maxParamLength: 256 },
    // __proto__ and constructor tricks are refused at parse time (duplicate keys: see useStrictJsonBodies).
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
  });
  const pino = createPinoLogger(options.logger === false ? 'silent' : (options.logLevel ?? readLogLevel(process.env)), options.name ?? 'app');
  useRequestIds(adapter, pino);
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, {
    logger: options.logger === false ? false : new JsonLogger(pino),
    bufferLogs: false,
    // A provider failing at start throws to the caller (runMain prints one line) instead of Nest calling process.exit.
    abortOnError: false,
  });
  await app.register(helmet as never, { contentSecurityPolicy: { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } } });
  useStrictJsonBodies(app, BODY_LIMIT_BYTES);
  serveLiveness(app.getHttpAdapter().getInstance());
  if (options.corsOrigins?.length) {
    app.enableCors({
      origin: options.corsOrigins,
      methods: ['GET', 'POST'],
      allowedHeaders: ['authorization', 'content-type', 'x-csrf-token'],
      credentials: true,
      maxAge: 600,
    });
  }
  app.enableShutdownHooks();
  return app;
}

/** Listens, or closes the app (its timers and connections) before reporting why it could not. */
export async function listen(app: INestApplication, port: number): Promise<string> {
  try {
    await app.listen(port, '0.0.0.0');
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
  // Nest types the server as any; under Fastify it is Node's http.Server.
  const address = (app.getHttpServer() as Server).address();
  const actual = typeof address === 'object' && address ? address.port : port;
  return `http://127.0.0.1:${actual}`;
}

/**
 * Every request gets an id (a plain incoming X-Request-Id, else a UUID), echoed in the response and present
 * in every log line written while serving it; one debug line per request: method, path without the query
 * (queries can carry codes and tokens), status, duration.
 */
function useRequestIds(adapter: FastifyAdapter, pino: ReturnType<typeof createPinoLogger>): void {
  const fastify = adapter.getInstance();
  fastify.addHook('onRequest', (request, reply, done) => {
    const id = requestIdFrom(request.headers['x-request-id']);
    void reply.header('x-request-id', id);
    enterRequest(id);
    done();
  });
  if (!pino.isLevelEnabled('debug')) return;
  fastify.addHook('onResponse', (request, reply, done) => {
    pino.debug(
      { method: request.method, path: request.url.split('?', 1)[0].slice(0, 200), status: reply.statusCode, ms: Math.round(reply.elapsedTime) },
      'request',
    );
    done();
  });
}
