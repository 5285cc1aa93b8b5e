import { Controller, Get, INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { AccessTokenClaims } from '@app/contract';
import {
  AuthGuardModule,
  AuthGuardOptions,
  CurrentUser,
  GuardMetrics,
  KEY_EVENTS,
  KEY_SOURCE,
  KeyEventsSubscriber,
  Public,
  RemoteKeySet,
  RevocationFailOpen,
  Roles,
  Scopes,
} from '@app/auth-guard';
import { createHttpApp } from '@app/platform';
import { GuardHealthController } from '@app/service-kit';

export type Adapter = 'express' | 'fastify';

/** One route per guard feature, as a service team would write them. */
@Controller()
class ProbeController {
  @Get('me')
  me(@CurrentUser() claims: AccessTokenClaims) {
    return { sub: claims.sub, roles: claims.roles };
  }

  @Get('admin')
  @Roles('admin')
  admin() {
    return { admin: true };
  }

  @Get('orders')
  @Scopes('orders:read')
  orders() {
    return { orders: [] };
  }

  @Get('orders/write')
  @Scopes('orders:read', 'orders:write')
  write() {
    return { written: true };
  }

  @Get('public')
  @Public()
  open() {
    return { public: true };
  }

  @Get('lenient')
  @RevocationFailOpen()
  lenient(@CurrentUser() claims: AccessTokenClaims) {
    return { sub: claims.sub };
  }
}

export interface GuardApp {
  url: string;
  keys: RemoteKeySet;
  events: KeyEventsSubscriber | null;
  metrics: GuardMetrics;
  close(): Promise<void>;
}

/**
 * A small resource service: AuthGuardModule in five lines, on the adapter asked for.
 * Express apps use forRootAsync and Fastify apps forRoot, so both entry points are exercised.
 */
export async function startGuardApp(adapter: Adapter, options: AuthGuardOptions): Promise<GuardApp> {
  const guard = adapter === 'express' ? AuthGuardModule.forRootAsync({ useFactory: async () => options }) : AuthGuardModule.forRoot(options);
  @Module({
    imports: [guard],
    controllers: [ProbeController, GuardHealthController],
  })
  class ProbeModule {}

  const app: INestApplication =
    adapter === 'express'
      ? await NestFactory.create(ProbeModule, new ExpressAdapter(), { logger: false })
      : await createHttpApp(ProbeModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  return {
    url: `http://127.0.0.1:${address.port}`,
    keys: app.get(KEY_SOURCE),
    events: app.get(KEY_EVENTS),
    metrics: app.get(GuardMetrics),
    close: () => app.close(),
  };
}
