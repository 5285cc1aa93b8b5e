/**
 * One resource service for the guard bench, in its own process so the load generator does not share its event loop.
 *   node dist/bench/support/guard-server.js <ours|peer> <fastify|express> <issuerUrl> <redisUrl> <prefix>
 * Prints its port on stdout once listening. `ours`: AuthGuardModule (global, /public opts out). `peer`: the common
 * recipe, @nestjs/passport + passport-jwt + jwks-rsa, guarding /me only.
 */
import 'reflect-metadata';
import { Controller, Get, Injectable, Module, UseGuards } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { AuthGuard, PassportModule, PassportStrategy } from '@nestjs/passport';
import { passportJwtSecret } from 'jwks-rsa';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AuthGuardModule, CurrentUser, Public } from '@app/auth-guard';

const [mode, adapter, issuer, redis, prefix] = process.argv.slice(2);
const AUDIENCE = 'orders-api';

@Controller()
class OursController {
  @Get('me')
  me(@CurrentUser() user: { sub: string }) {
    return { sub: user.sub };
  }

  @Get('public')
  @Public()
  open() {
    return { public: true };
  }
}

@Injectable()
class JwtStrategy extends PassportStrategy(Strategy) {
  constructor() {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKeyProvider: passportJwtSecret({ jwksUri: `${issuer}/.well-known/jwks.json`, cache: true, rateLimit: true }),
      algorithms: ['RS256'],
      issuer,
      audience: AUDIENCE,
    });
  }

  validate(payload: { sub: string }) {
    return payload;
  }
}

@Controller()
class PeerController {
  @Get('me')
  @UseGuards(AuthGuard('jwt'))
  me() {
    return { sub: 'user' };
  }

  @Get('public')
  open() {
    return { public: true };
  }
}

@Module({ imports: [AuthGuardModule.forRoot({ issuer, audience: AUDIENCE, redis, redisPrefix: prefix })], controllers: [OursController] })
class OursModule {}

@Module({ imports: [PassportModule], controllers: [PeerController], providers: [JwtStrategy] })
class PeerModule {}

async function main() {
  const root = mode === 'peer' ? PeerModule : OursModule;
  const app = await NestFactory.create(root, adapter === 'fastify' ? new FastifyAdapter() : new ExpressAdapter(), { logger: false });
  await app.listen(0, '127.0.0.1');
  process.stdout.write(`${app.getHttpServer().address().port}\n`);
}

void main();
