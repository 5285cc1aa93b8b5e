import { call, HttpResult } from '../../support/http';

/** How many refreshes a chain may still try once the revocation has answered; a survivor keeps succeeding. */
export const TRIES_AFTER_REVOCATION = 15;

export interface ChainStep {
  status: number;
  /** True when the request left after the revocation's answer had arrived. */
  startedAfterRevocation: boolean;
}

/**
 * A thief refreshing a stolen session in a loop, as fast as answers come, keeping every access token it
 * is handed. It stops at its first refusal, or after TRIES_AFTER_REVOCATION tries once `revoked()` is true.
 */
export class RefreshChain {
  readonly accessTokens: string[] = [];
  readonly steps: ChainStep[] = [];
  refreshToken: string;
  private done?: Promise<void>;

  constructor(
    private readonly issuerUrl: string,
    firstRefreshToken: string,
    private readonly revoked: () => boolean,
    private readonly path: 'auth' | 'oauth' = 'auth',
  ) {
    this.refreshToken = firstRefreshToken;
  }

  get successes(): number {
    return this.steps.filter((s) => s.status === 200).length;
  }

  /** Refreshes that left after the revocation answered and still got a new pair: must be none. */
  get survivingSteps(): ChainStep[] {
    return this.steps.filter((s) => s.startedAfterRevocation && s.status === 200);
  }

  start(): this {
    this.done = this.loop();
    return this;
  }

  finished(): Promise<void> {
    return this.done ?? Promise.resolve();
  }

  private async loop(): Promise<void> {
    let afterRevocation = 0;
    for (;;) {
      const startedAfterRevocation = this.revoked();
      if (startedAfterRevocation && ++afterRevocation > TRIES_AFTER_REVOCATION) return;
      const result = await this.refresh();
      this.steps.push({ status: result.status, startedAfterRevocation });
      if (result.status !== 200) return;
      this.accessTokens.push(result.body.access_token);
      this.refreshToken = result.body.refresh_token;
    }
  }

  private refresh(): Promise<HttpResult> {
    return this.path === 'auth'
      ? call('POST', `${this.issuerUrl}/auth/refresh`, { json: { refresh_token: this.refreshToken } })
      : call('POST', `${this.issuerUrl}/oauth/token`, { form: { grant_type: 'refresh_token', refresh_token: this.refreshToken } });
  }
}

/** Resolves once every chain has refreshed at least `n` times (or stopped), so the revocation lands mid-loop. */
export async function whenEachRefreshed(chains: RefreshChain[], n: number): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (chains.every((c) => c.successes >= n || c.steps.some((s) => s.status !== 200))) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`chains did not reach ${n} refreshes`);
}
