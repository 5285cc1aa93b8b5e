import { SetMetadata } from '@nestjs/common';
import { REQUIRED_SCOPES } from './metadata.keys';

/** The token's `scope` must contain every one of these; otherwise 403 insufficient_scope. */
export const Scopes = (...scopes: string[]) => SetMetadata(REQUIRED_SCOPES, scopes);
