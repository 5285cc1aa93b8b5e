import { Controller, Get, Module } from '@nestjs/common';
import { type AccessTokenClaims, type ActorClaim, actorChain } from '@app/contract';
import { AuthGuardModule, CurrentActor, CurrentUser, Delegation } from '@app/auth-guard';
import { createHttpApp } from '@app/platform';

/** One route per delegation rule, as a service team would write them. */
@Controller()
class DelegationProbeController {
  @Get('whoami')
  whoami(@CurrentUser() claims: AccessTokenClaims, @CurrentActor() actor?: ActorClaim) {
    return { sub: claims.sub, actor: actor ?? null, chain: actorChain(claims) };
  }

  @Get('delegated-only')
  @Delegation({ require: true })
  delegatedOnly() {
    return { ok: true };
  }

  @Get('direct-only')
  @Delegation({ forbid: true })
  directOnly() {
    return { ok: true };
  }

  @Get('orders-only')
  @Delegation({ require: true, actors: ['orders-api'] })
  ordersOnly() {
    return { ok: true };
  }

  @Get('orders-or-direct')
  @Delegation({ actors: ['orders-api'] })
  ordersOrDirect() {
    return { ok: true };
  }
}

/** A resource service for `audience` trusting the real issuer, with the delegation probes. */
export async function startDelegationApp(options: {
  issuer: string;
  audience: string;
  redis: string;
  redisPrefix: string;
}): Promise<{ url: string; close(): Promise<void> }> {
  @Module({ imports: [AuthGuardModule.forRoot({ ...options, requireRevocationSeed: true })], controllers: [DelegationProbeController] })
  class DelegationProbeModule {}
  const app = await createHttpApp(DelegationProbeModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return { url: `http://127.0.0.1:${address.port}`, close: () => app.close() };
}
