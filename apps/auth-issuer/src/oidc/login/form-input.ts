import type { FastifyRequest } from 'fastify';
import type { Params } from '../authorize/authorization-request';

/** The longest authorization query a form may carry back. */
export const MAX_AUTHORIZE_LENGTH = 8192;

/** A query string as parameters, a repeated one as an array (so validation refuses it, as it does at /authorize). */
export function paramsOf(query: string): Params {
  const params: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(query)) {
    const seen = params[name];
    params[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return params;
}

/** The posted form's fields, or undefined for anything but a urlencoded object body. */
export function formBody(request: FastifyRequest): Record<string, unknown> | undefined {
  const type = request.headers['content-type'];
  if (typeof type !== 'string' || type.split(';')[0].trim().toLowerCase() !== 'application/x-www-form-urlencoded') return undefined;
  const body = request.body;
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
}

/** The query string of a request URL, without the '?'. */
export function queryOf(request: FastifyRequest): string {
  return request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '';
}
