import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { grantOf, issuedTokenHeader } from './issued-token';
import { IssuerMetrics } from './issuer-metrics.service';

/**
 * Counts every access token a route hands out, whichever feature issued it (login, refresh, /oauth/token's grants,
 * and grants added later): any successful HTTP response carrying one. Sees the response, never alters it.
 * A Fastify onSend hook rather than a Nest interceptor: an interceptor put rxjs and two async-context binds on
 * every request, about a sixth of the issuer's CPU per client_credentials grant.
 */
@Injectable()
export class TokensIssuedHook implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly metrics: IssuerMetrics,
  ) {}

  onModuleInit(): void {
    // No HTTP server (a module test, the CLI): nothing to count.
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (typeof fastify?.addHook !== 'function') return;
    fastify.addHook('onSend', (request, reply, payload, done) => {
      if (reply.statusCode < 300) {
        const token = issuedTokenHeader(payload, reply.getHeader('set-cookie'));
        if (token) this.metrics.tokenIssued({ ...token, grant: grantOf(request.url, request.body) });
      }
      done(null, payload);
    });
  }
}
