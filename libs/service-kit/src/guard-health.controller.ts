import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import { AuthGuardHealth, Public } from '@app/auth-guard';

type Reply = { code?: (n: number) => unknown; status?: (n: number) => unknown };

/**
 * Readiness: 200 once the issuer's keys are loaded and Redis answers, 503 otherwise.
 * The body names each dependency's state (never an error text), for operators and probes.
 */
@Controller('health')
export class GuardHealthController {
  constructor(private readonly guard: AuthGuardHealth) {}

  @Public()
  @Get()
  @HttpCode(200)
  async check(@Res({ passthrough: true }) reply: Reply) {
    const { ready, ...details } = await this.guard.check();
    // Fastify replies have code(), Express responses status().
    if (!ready) (reply.code ?? reply.status)?.call(reply, 503);
    return { status: ready ? 'ok' : 'error', details };
  }
}
