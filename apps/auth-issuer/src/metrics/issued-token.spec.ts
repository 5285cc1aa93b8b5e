import { issuedTokenHeader } from './issued-token';

describe('issuedTokenHeader', () => {
  const header = Buffer.from(JSON.stringify({ alg: 'ES256', typ: 'at+jwt', kid: 'kid-1' })).toString('base64url');
  const token = `${header}.eyJzdWIiOiJ4In0.c2ln`;

  it('reads alg and kid from a serialized token response or from the cookie of cookie delivery', () => {
    expect(issuedTokenHeader(JSON.stringify({ access_token: token, token_type: 'Bearer' }), undefined)).toEqual({ alg: 'ES256', kid: 'kid-1' });
    expect(issuedTokenHeader(JSON.stringify({ delivered: 'cookie' }), [`tb_at=${token}; HttpOnly`, 'tb_rt=opaque; HttpOnly'])).toEqual({
      alg: 'ES256',
      kid: 'kid-1',
    });
  });

  it('finds nothing in an answer without a token, a non-JWT value or a body that is not serialized JSON', () => {
    expect(issuedTokenHeader(JSON.stringify({ error: 'invalid_grant' }), undefined)).toBeUndefined();
    expect(issuedTokenHeader(JSON.stringify({ access_token: 'opaque' }), 'tb_rt=opaque')).toBeUndefined();
    expect(issuedTokenHeader({ access_token: token }, undefined)).toBeUndefined();
    expect(issuedTokenHeader(JSON.stringify({ access_token: `eyJub3Rqc29u.x.y` }), undefined)).toBeUndefined();
  });
});
