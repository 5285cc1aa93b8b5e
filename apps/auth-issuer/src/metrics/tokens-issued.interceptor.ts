import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Observable, tap } from 'rxjs';
import { grantOf, issuedTokenHeader } from './issued-token';
import { IssuerMetrics } from './issuer-metrics.service';

/**
 * Counts every access token a route hands out, whichever feature issued it (login, refresh, /oauth/token's grants,
 * and grants added later): any successful HTTP response carrying one. Sees the response, never alters it.
 */
@Injectable()
export class TokensIssuedInterceptor implements NestInterceptor {
  constructor(private readonly metrics: IssuerMetrics) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const http = context.switchToHttp();
    return next.handle().pipe(
      tap((result) => {
        const request = http.getRequest<FastifyRequest>();
        const token = issuedTokenHeader(result, http.getResponse<FastifyReply>().getHeader('set-cookie'));
        if (token) this.metrics.tokenIssued({ ...token, grant: grantOf(request.url, request.body) });
      }),
    );
  }
}
