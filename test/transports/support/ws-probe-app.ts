import { INestApplication, Module, UseGuards } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import type { AccessTokenClaims } from '@app/contract';
import { AccessTokenGuard, AuthenticatedWsAdapter, AuthGuardModule, AuthGuardOptions, CurrentUser, Roles } from '@app/auth-guard';

/**
 * A gateway as a team writes it; the adapter guards the handshake, AccessTokenGuard each message
 * (Nest applies no global guard to gateways, so it is named here).
 */
@WebSocketGateway({ path: '/live' })
@UseGuards(AccessTokenGuard)
class LiveGateway {
  @SubscribeMessage('whoami')
  whoami(@CurrentUser() user: AccessTokenClaims) {
    return { event: 'whoami', data: { sub: user.sub } };
  }

  @SubscribeMessage('admin')
  @Roles('admin')
  admin() {
    return { event: 'admin', data: { admin: true } };
  }
}

export async function startWsProbe(guard: AuthGuardOptions): Promise<{ url: string; app: INestApplication }> {
  @Module({ imports: [AuthGuardModule.forRoot(guard)], providers: [LiveGateway] })
  class WsProbeModule {}

  const app = await NestFactory.create(WsProbeModule, new ExpressAdapter(), { logger: false });
  app.useWebSocketAdapter(new AuthenticatedWsAdapter(app));
  await app.listen(0, '127.0.0.1');
  return { url: `ws://127.0.0.1:${app.getHttpServer().address().port}/live`, app };
}
