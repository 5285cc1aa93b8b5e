import { HttpException } from '@nestjs/common';
import type { Refusal } from '../http/refusal';

/**
 * A refusal on its way through Passport: the strategy hands it to `error()`, so the stock
 * `AuthGuard('jwt')` rethrows it unchanged and BearerChallengeFilter writes its headers.
 */
export class BearerChallenge extends HttpException {
  constructor(readonly refusal: Refusal) {
    super(refusal.body, refusal.status);
  }
}
