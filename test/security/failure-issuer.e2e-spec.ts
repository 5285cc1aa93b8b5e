import { Controller, Get, Module } from '@nestjs/common';
import { AuthGuardModule } from '@app/auth-guard';
import { createHttpApp, listen } from '@app/platform';
import { IdentityController } from '@app/service-kit';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { call, login } from '../support/http';
import { startTestSystem, TestSystem } from '../support/test-system';
import { TokenForge } from '../support/token-forge';
import { JwksFront, JwksMode } from './support/jwks-front';

@Controller()
class UnmarkedRoutes {
  @Get('unmarked')
  ping() {
    return {};
  }
}

/**
 * Issuer down or serving garbage: a warm guard keeps its last good key set, a cold one answers
 * at once with 503. The guard here is a resource service as service-kit builds it, with the
 * unknown-kid cooldown shortened so a refetch can be provoked from outside in a test's time.
 */
describe('issuer down or serving garbage JWKS', () => {
  let system: TestSystem;
  let front: JwksFront;
  let app: NestFastifyApplication | undefined;
  let cold: NestFastifyApplication | undefined;
  let serviceUrl: string;
  let forge: TokenForge;
  const COOLDOWN_MS = 150;

  const startGuarded = async (jwksUrl: string, issuer: string) => {
    @Module({
      imports: [
        AuthGuardModule.forRoot({
          issuer,
          audience: 'orders-api',
          jwksUrl,
          redis: system.redisUrl,
          redisPrefix: system.redisPrefix,
          unknownKidCooldownMs: COOLDOWN_MS,
          fetchTimeoutMs: 500,
        }),
      ],
      controllers: [IdentityController, UnmarkedRoutes],
    })
    class GuardedService {}
    const nest = await createHttpApp(GuardedService, { logger: false });
    return { nest, url: await listen(nest, 0) };
  };

  beforeAll(async () => {
    system = await startTestSystem({}, { services: false });
    forge = await TokenForge.fromDatabase(system.databaseUrl, system.issuerEnv.KEY_ENCRYPTION_KEY!);
    front = await JwksFront.start(`${system.issuerUrl}/.well-known/jwks.json`);
    const started = await startGuarded(front.url, system.issuerUrl);
    app = started.nest;
    serviceUrl = started.url;
  });
  afterAll(async () => {
    await app?.close();
    await cold?.close();
    await front?.close();
    await system?.stop();
  });

  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('keeps the last good key set through every kind of JWKS failure', async () => {
    const { access_token } = await login(system.issuerUrl, 'alice', 'alice-password');
    expect((await call('GET', `${serviceUrl}/me`, { token: access_token })).status).toBe(200);
    const modes: JwksMode[] = ['status-500', 'garbage', 'html', 'empty-keys', 'private-keys', 'huge', 'reset', 'hang'];
    for (const mode of modes) {
      front.mode = mode;
      const hitsBefore = front.hits;
      await sleep(COOLDOWN_MS + 50);
      // An unknown kid makes the guard refetch; the refetch meets the broken JWKS.
      const provoke = await call('GET', `${serviceUrl}/me`, { token: forge.sign(system.issuerUrl, { aud: 'orders-api' }, { kid: `unknown-${mode}` }) });
      expect({ mode, status: provoke.status, fetched: front.hits > hitsBefore }).toEqual({ mode, status: 401, fetched: true });
      const still = await call('GET', `${serviceUrl}/me`, { token: access_token });
      expect({ mode, status: still.status }).toEqual({ mode, status: 200 });
    }
    front.mode = 'proxy';
  });

  it('keeps serving known keys with the issuer process gone entirely', async () => {
    const { access_token } = await login(system.issuerUrl, 'alice', 'alice-password');
    await front.close();
    await sleep(COOLDOWN_MS + 50);
    expect((await call('GET', `${serviceUrl}/me`, { token: forge.sign(system.issuerUrl, { aud: 'orders-api' }, { kid: 'unknown-after-close' }) })).status).toBe(
      401,
    );
    expect((await call('GET', `${serviceUrl}/me`, { token: access_token })).status).toBe(200);
  });

  it('a cold guard whose issuer is unreachable answers 503 with Retry-After promptly instead of hanging', async () => {
    const dead = `http://127.0.0.1:1`;
    const started = await startGuarded(`${dead}/jwks.json`, system.issuerUrl);
    cold = started.nest;
    const { access_token } = await login(system.issuerUrl, 'alice', 'alice-password');
    const result = await call('GET', `${started.url}/me`, { token: access_token });
    expect({ status: result.status, retryAfter: result.headers.get('retry-after') }).toEqual({ status: 503, retryAfter: expect.stringMatching(/^\d+$/) });
    expect((await call('GET', `${started.url}/me`)).status).toBe(401);
    expect((await call('GET', `${started.url}/unmarked`)).status).toBe(401);
  });
});
