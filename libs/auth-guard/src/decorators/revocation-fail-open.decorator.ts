import { SetMetadata } from '@nestjs/common';
import { REVOCATION_FAIL_OPEN } from './metadata.keys';

/**
 * Lets this route accept an otherwise valid token while the revocation store is unreachable.
 * Off by default (fail closed); choose it only where serving a logged-out user briefly is acceptable.
 */
export const RevocationFailOpen = () => SetMetadata(REVOCATION_FAIL_OPEN, true);
