import { Controller, Delete, Get, HttpCode, Module, Patch, Post, Put } from '@nestjs/common';
import { AUTH_COOKIE_GUARD_OPTION } from '@app/contract';
import { AuthGuardModule } from '@app/auth-guard';
import { createHttpApp, listen, RunningApp } from '@app/platform';

@Controller('thing')
class ThingController {
  @Get() read() {
    return { did: 'read' };
  }
  @Post() @HttpCode(200) create() {
    return { did: 'create' };
  }
  @Put() replace() {
    return { did: 'replace' };
  }
  @Patch() update() {
    return { did: 'update' };
  }
  @Delete() remove() {
    return { did: 'remove' };
  }
}

/** A tiny resource service in cookie mode with one route per method, to exercise the CSRF check. */
export async function startCookieTestApp(issuer: string, redisUrl: string, redisPrefix: string): Promise<RunningApp> {
  @Module({
    imports: [AuthGuardModule.forRoot({ issuer, audience: 'orders-api', redis: redisUrl, redisPrefix, cookie: AUTH_COOKIE_GUARD_OPTION })],
    controllers: [ThingController],
  })
  class CookieTestModule {}
  const app = await createHttpApp(CookieTestModule);
  const url = await listen(app, 0);
  return { name: 'cookie-test-app', url, describe: url, close: () => app.close() };
}
