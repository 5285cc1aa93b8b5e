import { Controller, Get, INestApplication, Module, UseGuards } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { AuthGuard } from '@nestjs/passport';
import type { AccessTokenClaims } from '@app/contract';
import { AccessRulesGuard, AuthGuardOptions, CurrentUser, GuardMetrics, JwtAuthGuard, PassportJwtModule, Public, Roles, Scopes } from '@app/auth-guard';
import { createHttpApp } from '@app/platform';
import type { Adapter } from './guard-app';

/** Routes as a team already on @nestjs/passport writes them: nothing but AuthGuard('jwt'). */
@Controller('stock')
@UseGuards(AuthGuard('jwt'))
class StockController {
  @Get('me')
  me(@CurrentUser() claims: AccessTokenClaims) {
    return { sub: claims.sub, roles: claims.roles };
  }

  @Get('admin')
  @UseGuards(AccessRulesGuard)
  @Roles('admin')
  admin() {
    return { admin: true };
  }
}

/** The same routes behind our JwtAuthGuard, which adds @Public, @Roles and @Scopes. */
@Controller('ours')
@UseGuards(JwtAuthGuard)
class OursController {
  @Get('me')
  me(@CurrentUser() claims: AccessTokenClaims) {
    return { sub: claims.sub };
  }

  @Get('admin')
  @Roles('admin')
  admin() {
    return { admin: true };
  }

  @Get('orders')
  @Scopes('orders:write')
  orders() {
    return { orders: [] };
  }

  @Get('public')
  @Public()
  open() {
    return { public: true };
  }
}

export interface PassportApp {
  url: string;
  metrics: GuardMetrics;
  app: INestApplication;
  close(): Promise<void>;
}

export async function startPassportApp(adapter: Adapter, options: AuthGuardOptions): Promise<PassportApp> {
  @Module({ imports: [PassportJwtModule.forRoot(options)], controllers: [StockController, OursController] })
  class PassportProbeModule {}

  const app: INestApplication =
    adapter === 'express'
      ? await NestFactory.create(PassportProbeModule, new ExpressAdapter(), { logger: false })
      : await createHttpApp(PassportProbeModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  return { url: `http://127.0.0.1:${app.getHttpServer().address().port}`, metrics: app.get(GuardMetrics), app, close: () => app.close() };
}
