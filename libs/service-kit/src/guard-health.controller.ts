import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import { AuthGuardHealth, Public } from '@app/auth-guard';

type Reply = { code?: (n: number) => unknown; status?: (n: number) => unknown };

/** Readiness: 200 once the issuer's keys are loaded and Redis answers, 503 otherwise. */
@Controller('health')
export class GuardHealthController {
  constructor(private readonly guard: AuthGuardHealth) {}

  @Public()
  @Get()
  @HttpCode(200)
  async check(@Res({ passthrough: true }) reply: Reply) {
    const readiness = await this.guard.check();
    const ok = readiness.keys === 'loaded' && readiness.redis !== 'down';
    if (!ok) (reply.code ?? reply.status)?.call(reply, 503);
    return { status: ok ? 'ok' : 'error', details: readiness };
  }
}
