import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { BearerChallenge } from './bearer-challenge.exception';

/** Writes a Passport refusal as the native guard would: RFC 6750 challenge headers and the bare body. */
@Catch(BearerChallenge)
export class BearerChallengeFilter implements ExceptionFilter {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: BearerChallenge, host: ArgumentsHost): void {
    const { httpAdapter } = this.adapterHost;
    const response = host.switchToHttp().getResponse<unknown>();
    for (const [name, value] of Object.entries(exception.refusal.headers)) httpAdapter.setHeader(response, name, value);
    httpAdapter.reply(response, exception.refusal.body, exception.refusal.status);
  }
}
