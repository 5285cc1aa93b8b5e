export const HS256_OPTIONS = Symbol('hs256-tokens:options');
export const HS256_REDIS = Symbol('hs256-tokens:redis');
/** The one algorithm of this mode; every other header `alg` is refused before a secret is looked up. */
export const HS256 = 'HS256';
