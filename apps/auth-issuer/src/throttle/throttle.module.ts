import { Module } from '@nestjs/common';
import { ClientAuthThrottle } from './client-auth-throttle.service';
import { LoginThrottle } from './login-throttle.service';

/** Failure counters in Redis that slow down password guessing at /auth/login and secret guessing at /oauth/*. */
@Module({
  providers: [LoginThrottle, ClientAuthThrottle],
  exports: [LoginThrottle, ClientAuthThrottle],
})
export class ThrottleModule {}
