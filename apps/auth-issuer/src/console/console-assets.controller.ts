import { Controller, Get, Header, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Public } from '@app/auth-guard';
import { CONSOLE_CSS, CONSOLE_HTML } from './console.page';
import { CONSOLE_SCRIPT } from './console.script';

/**
 * Scripts and styles from this origin only (no inline code, so an injected string cannot run); data only
 * from this origin; never framed (clickjacking a rotate or revoke button); no referrer leaves the page.
 */
const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

function send(reply: FastifyReply, type: string, body: string): string {
  void reply
    .header('content-type', type)
    .header('content-security-policy', CONSOLE_CSP)
    .header('cache-control', 'no-cache')
    .header('referrer-policy', 'no-referrer');
  return body;
}

/** GET /console (and /console/callback): the operator console's static page, script and style sheet (public: the data behind them is not). */
@Public()
@Controller('console')
export class ConsoleAssetsController {
  /** The page, also as the code flow's redirect URI (its script reads the authorization response from the query). */
  @Get(['', 'callback'])
  page(@Res({ passthrough: true }) reply: FastifyReply): string {
    return send(reply, 'text/html; charset=utf-8', CONSOLE_HTML);
  }

  @Get('console.js')
  @Header('x-content-type-options', 'nosniff')
  script(@Res({ passthrough: true }) reply: FastifyReply): string {
    return send(reply, 'text/javascript; charset=utf-8', CONSOLE_SCRIPT);
  }

  @Get('console.css')
  style(@Res({ passthrough: true }) reply: FastifyReply): string {
    return send(reply, 'text/css; charset=utf-8', CONSOLE_CSS);
  }
}
