import { IssuerError } from '../errors/issuer.error';

type RequestLike = { headers: Record<string, string | string[] | undefined>; body?: unknown };

/**
 * The parameters of an OAuth request body (RFC 6749 §3.2: application/x-www-form-urlencoded).
 * A repeated parameter is `invalid_request` (§3.1); an empty one counts as omitted.
 */
export class OAuthForm {
  private constructor(private readonly params: Record<string, unknown>) {}

  static from(request: RequestLike): OAuthForm {
    const type = request.headers['content-type'];
    if (typeof type !== 'string' || type.split(';')[0].trim().toLowerCase() !== 'application/x-www-form-urlencoded') {
      throw new IssuerError('invalid_request', 'the body must be application/x-www-form-urlencoded');
    }
    const body = request.body ?? {};
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new IssuerError('invalid_request', 'malformed form body');
    return new OAuthForm(body as Record<string, unknown>);
  }

  get(name: string): string | undefined {
    if (!Object.prototype.hasOwnProperty.call(this.params, name)) return undefined;
    const value = this.params[name];
    if (typeof value !== 'string') throw new IssuerError('invalid_request', `${name} must appear at most once`);
    return value === '' ? undefined : value;
  }

  require(name: string): string {
    const value = this.get(name);
    if (value === undefined) throw new IssuerError('invalid_request', `${name} is required`);
    return value;
  }
}
