import { Body, Controller, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AccessTokenClaims, ISSUER_PATHS, TokenResponse } from '@app/contract';
import { CurrentUser, Public } from '@app/auth-guard';
import { CookieDeliveryResponse, SessionCookies } from '../cookies/session-cookies';
import { parseLoginRequest, parseLogoutRequest, parseRefreshRequest } from './auth.requests';
import { LoginService } from './login.service';
import { noStore } from './no-store';
import { SessionService } from './session.service';
import { SessionTokenGuard } from './session-token.guard';
import { LoginThrottle } from '../throttle/login-throttle.service';
import { IssuerError } from '../errors/issuer.error';

@Controller()
export class AuthController {
  constructor(
    private readonly login: LoginService,
    private readonly sessions: SessionService,
    private readonly cookies: SessionCookies,
    private readonly throttle: LoginThrottle,
  ) {}

  @Public()
  @Post(ISSUER_PATHS.login)
  @HttpCode(200)
  async logIn(
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TokenResponse | CookieDeliveryResponse> {
    noStore(reply);
    const cookie = this.cookies.requested(body);
    const credentials = parseLoginRequest(body);
    // An admin token goes to an operator's tool, never into a browser's cookie jar.
    if (cookie && credentials.resource !== undefined) throw new IssuerError('invalid_request', 'admin tokens are delivered in the response body only');
    // request.ip honours X-Forwarded-For only when TRUST_PROXY names the proxies.
    const tokens = await this.throttle.attempt(credentials.username, request.ip, () => this.login.login(credentials));
    return cookie ? this.cookies.deliver(reply, tokens) : tokens;
  }

  @Public()
  @Post(ISSUER_PATHS.refresh)
  @HttpCode(200)
  async refresh(
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TokenResponse | CookieDeliveryResponse> {
    noStore(reply);
    const fromCookie = this.cookies.refreshTokenFrom(request.headers, body);
    if (fromCookie) return this.cookies.deliver(reply, await this.sessions.refresh(fromCookie));
    return this.sessions.refresh(parseRefreshRequest(body).refreshToken);
  }

  /** Any unexpired access token of the user's own session (service or admin audience); not a client's. */
  @Post(ISSUER_PATHS.logout)
  @UseGuards(SessionTokenGuard)
  @HttpCode(204)
  async logOut(
    @CurrentUser() claims: AccessTokenClaims,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    await this.sessions.logout(claims, parseLogoutRequest(body).refreshToken);
    this.cookies.clearIfPresent(request.headers, reply);
  }

  @Post(ISSUER_PATHS.logoutAll)
  @UseGuards(SessionTokenGuard)
  @HttpCode(204)
  async logOutEverywhere(
    @CurrentUser() claims: AccessTokenClaims,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    await this.sessions.logoutEverywhere(claims.sub);
    this.cookies.clearIfPresent(request.headers, reply);
  }
}
