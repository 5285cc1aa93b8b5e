import { Controller, Get, INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import type { AccessTokenClaims } from '@app/contract';
import { AuthGuardModule, AuthGuardOptions, CurrentUser, Public, Roles } from '@app/auth-guard';
import { FakeIssuer, LocalAlg, TestKeySet, TestRevocationStore } from '@app/auth-guard/testing';

/** What a service team writes: its own guarded routes, tested without a running issuer. */
@Controller('reports')
class ReportsController {
  @Get()
  list(@CurrentUser() user: AccessTokenClaims) {
    return { sub: user.sub };
  }

  @Get('all')
  @Roles('admin')
  all() {
    return { all: true };
  }

  @Get('status')
  @Public()
  status() {
    return { up: true };
  }
}

async function reportsApp(options: AuthGuardOptions): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({ imports: [AuthGuardModule.forRoot(options)], controllers: [ReportsController] }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  return app;
}

const decode = (segment: string) => JSON.parse(Buffer.from(segment, 'base64url').toString());
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('TestKeySet', () => {
  it.each<LocalAlg>(['RS256', 'ES256', 'EdDSA'])('mints %s tokens of the contract shape and publishes only public keys', (alg) => {
    const keys = TestKeySet.generate({ alg, issuer: 'https://issuer.test', audience: 'reports-api' });
    const [header, payload] = keys.mint({ sub: 'alice' }).split('.');
    expect(decode(header)).toEqual({ alg, typ: 'at+jwt', kid: keys.signingKey.kid });
    expect(decode(payload)).toEqual({
      iss: 'https://issuer.test',
      sub: 'alice',
      aud: 'reports-api',
      exp: expect.any(Number),
      iat: expect.any(Number),
      jti: expect.any(String),
      roles: ['user'],
      scope: 'orders:read',
      client_id: 'first-party',
    });
    expect(keys.jwks().keys).toEqual([expect.objectContaining({ kid: keys.signingKey.kid, alg, use: 'sig' })]);
    expect(keys.jwks().keys[0]).not.toHaveProperty('d');
  });

  it('sets exp from expiresIn and lets the header be overridden', () => {
    const keys = TestKeySet.generate();
    const [header, payload] = keys.mint({ iat: 1000 }, { expiresIn: 60, header: { typ: 'JWT', kid: undefined } }).split('.');
    expect(decode(header)).toEqual({ alg: 'RS256', typ: 'JWT' });
    expect(decode(payload)).toMatchObject({ iat: 1000, exp: 1060 });
  });
});

describe('a guarded app with a local key source', () => {
  const keys = TestKeySet.generate({ alg: 'ES256', audience: 'reports-api' });
  const revocation = TestRevocationStore.create();
  let app: INestApplication;

  beforeAll(async () => {
    app = await reportsApp({ issuer: keys.issuer, audience: 'reports-api', keySource: keys.keySource(), redis: revocation.redis });
  });
  afterAll(async () => {
    await app.close();
    revocation.close();
  });

  it('accepts a minted token and hands the claims to the route', async () => {
    const response = await request(app.getHttpServer())
      .get('/reports')
      .set(bearer(keys.mint({ sub: 'alice' })));
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ sub: 'alice' });
  });

  it('refuses tokens of another key set, expired ones, another audience and none at all with 401', async () => {
    const stranger = TestKeySet.generate({ alg: 'ES256', audience: 'reports-api' });
    for (const token of [stranger.mint(), keys.mint({}, { expiresIn: -60 }), keys.mint({ aud: 'billing-api' })]) {
      const response = await request(app.getHttpServer()).get('/reports').set(bearer(token));
      expect(response.status).toBe(401);
      expect(response.headers['www-authenticate']).toContain('error="invalid_token"');
    }
    expect((await request(app.getHttpServer()).get('/reports')).status).toBe(401);
    expect((await request(app.getHttpServer()).get('/reports/status')).status).toBe(200);
  });

  it('checks roles: 403 without admin, 200 with it', async () => {
    expect(
      (
        await request(app.getHttpServer())
          .get('/reports/all')
          .set(bearer(keys.mint({ roles: ['user'] })))
      ).status,
    ).toBe(403);
    expect(
      (
        await request(app.getHttpServer())
          .get('/reports/all')
          .set(bearer(keys.mint({ roles: ['admin'] })))
      ).status,
    ).toBe(200);
  });

  it('follows rotation and withdrawal of keys at once', async () => {
    const old = keys.mint();
    const oldKid = keys.signingKey.kid;
    keys.rotate('EdDSA');
    expect((await request(app.getHttpServer()).get('/reports').set(bearer(keys.mint()))).status).toBe(200);
    expect((await request(app.getHttpServer()).get('/reports').set(bearer(old))).status).toBe(200);
    keys.withdraw(oldKid);
    expect((await request(app.getHttpServer()).get('/reports').set(bearer(old))).status).toBe(401);
  });

  it('refuses denylisted tokens, ended sessions and tokens before a cut-off', async () => {
    const denied = keys.mint({ jti: 'jti-denied' });
    const session = keys.mint({ sid: 'session-1' });
    const before = keys.mint({ sub: 'bob', iat: Math.floor(Date.now() / 1000) - 10 });
    for (const token of [denied, session, before]) expect((await request(app.getHttpServer()).get('/reports').set(bearer(token))).status).toBe(200);
    await revocation.denyJti('jti-denied');
    await revocation.endSession('session-1');
    await revocation.cutOffSubject('bob');
    for (const token of [denied, session, before]) expect((await request(app.getHttpServer()).get('/reports').set(bearer(token))).status).toBe(401);
  });
});

describe('a guarded app pointed at a fake issuer', () => {
  let issuer: FakeIssuer;
  let keys: TestKeySet;
  const apps: INestApplication[] = [];
  const start = async (options: Partial<AuthGuardOptions> = {}) => {
    const app = await reportsApp({ issuer: issuer.url, audience: 'reports-api', fetchTimeoutMs: 300, ...options });
    apps.push(app);
    return app;
  };

  beforeEach(async () => {
    issuer = await FakeIssuer.start();
    keys = TestKeySet.generate({ issuer: issuer.url, audience: 'reports-api' });
    issuer.publish(keys);
  });
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
    await issuer.stop();
  });

  it('finds the keys through discovery: minted tokens pass, foreign ones do not', async () => {
    const app = await start();
    expect(
      (
        await request(app.getHttpServer())
          .get('/reports')
          .set(bearer(keys.mint({ sub: 'carol' })))
      ).body,
    ).toEqual({ sub: 'carol' });
    const stranger = TestKeySet.generate({ issuer: issuer.url, audience: 'reports-api' });
    expect((await request(app.getHttpServer()).get('/reports').set(bearer(stranger.mint()))).status).toBe(401);
    expect(issuer.discoveryFetches).toBe(1);
  });

  it('serves a rotated key once the guard refetches', async () => {
    const app = await start({ unknownKidCooldownMs: 1 });
    keys.rotate();
    expect((await request(app.getHttpServer()).get('/reports').set(bearer(keys.mint()))).status).toBe(200);
  });

  it.each([
    ['fails', (fake: FakeIssuer) => fake.fail()],
    ['stalls', (fake: FakeIssuer) => fake.stall()],
  ])('answers 503 while the issuer %s before the keys ever loaded', async (_name, breakIt) => {
    breakIt(issuer);
    const app = await start();
    const response = await request(app.getHttpServer()).get('/reports').set(bearer(keys.mint()));
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBeDefined();
  });
});
