import { MAX_ACTOR_CHAIN_DEPTH } from '@app/contract';
import { readInt } from '@app/platform';

/** Token exchange (RFC 8693) limits. */
export interface TokenExchangeConfig {
  /** Most services a delegation chain may hold (nested `act`): 1 allows one hop only. */
  maxChainDepth: number;
}

export function loadTokenExchangeConfig(env: NodeJS.ProcessEnv): TokenExchangeConfig {
  return { maxChainDepth: readInt(env, 'TOKEN_EXCHANGE_MAX_DEPTH', 2, { min: 1, max: MAX_ACTOR_CHAIN_DEPTH }) };
}
