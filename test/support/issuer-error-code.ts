import { IssuerError } from '../../apps/auth-issuer/src/errors/issuer.error';

/** The IssuerError code `run` throws, `okLabel` when it returns: specs assert codes, never messages. */
export function issuerErrorCodeOf(run: () => unknown, okLabel = 'ok'): string {
  try {
    run();
  } catch (error) {
    return error instanceof IssuerError ? error.code : `unexpected ${String(error)}`;
  }
  return okLabel;
}
