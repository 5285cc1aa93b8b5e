import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import helmet from '@fastify/helmet';
import type { Server } from 'node:net';
import { QuietLogger } from './quiet.logger';
import { useStrictJsonBodies } from './strict-json.parser';

/** Request bodies above this are refused with 413 before any handler runs. */
export const BODY_LIMIT_BYTES = 16 * 1024;

export interface HttpAppOptions {
  /** Log levels; errors and warnings only by default to keep request paths quiet. */
  logger?: ('log' | 'error' | 'warn' | 'debug' | 'verbose')[] | false;
  trustProxy?: boolean | number | string;
  /** Exact origins allowed by CORS; empty or absent: no CORS headers (browsers refuse cross-origin calls). */
  corsOrigins?: string[];
}

/** Every app runs on Fastify (about 5x Express here) with helmet and a small body limit (Nest's adapter parses JSON and form bodies itself). */
export async function createHttpApp(module: Type<unknown> | DynamicModule, options: HttpAppOptions = {}): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: options.trustProxy ?? false,
    routerOptions: { maxParamLength: 256 },
    // __proto__ and constructor tricks are refused at parse time (duplicate keys: see useStrictJsonBodies).
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
  });
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, {
    logger: options.logger === false ? false : new QuietLogger({ logLevels: options.logger ?? defaultLogLevels() }),
    bufferLogs: false,
    // A provider failing at start throws to the caller (runMain prints one line) instead of Nest calling process.exit.
    abortOnError: false,
  });
  await app.register(helmet as never, { contentSecurityPolicy: { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } } });
  useStrictJsonBodies(app, BODY_LIMIT_BYTES);
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

/** LOG_LEVEL=debug shows guard refusal reasons; tests run with warnings and errors only. */
function defaultLogLevels(): ('log' | 'error' | 'warn' | 'debug' | 'verbose')[] {
  if (process.env.LOG_LEVEL === 'debug') return ['error', 'warn', 'log', 'debug'];
  if (process.env.NODE_ENV === 'test' || process.env.LOG_LEVEL === 'warn') return ['error', 'warn'];
  return ['error', 'warn', 'log'];
}
