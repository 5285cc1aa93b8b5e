import { Inject, Injectable } from '@nestjs/common';
import { Semaphore } from 'async-mutex';
import { ISSUER_CONFIG, IssuerConfig } from '../config/issuer.config';
import { IssuerError } from '../errors/issuer.error';

/**
 * Bounds the memory argon2 can take: at most `hashConcurrency` hashes at once (19 MiB each),
 * at most `hashQueue` logins waiting; beyond that a login gets 503 at once instead of queueing without end.
 */
@Injectable()
export class HashSlots {
  private readonly semaphore: Semaphore;
  private waiting = 0;

  constructor(@Inject(ISSUER_CONFIG) private readonly config: IssuerConfig) {
    this.semaphore = new Semaphore(config.loginProtection.hashConcurrency);
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.semaphore.isLocked() && this.waiting >= this.config.loginProtection.hashQueue) {
      throw new IssuerError('temporarily_unavailable', 'too many logins in progress; retry shortly', 1);
    }
    this.waiting++;
    let release: () => void;
    try {
      [, release] = await this.semaphore.acquire();
    } finally {
      this.waiting--;
    }
    try {
      return await work();
    } finally {
      release();
    }
  }
}
