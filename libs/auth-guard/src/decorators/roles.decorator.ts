import { SetMetadata } from '@nestjs/common';
import { REQUIRED_ROLES } from './metadata.keys';

/** The caller needs at least one of these roles; otherwise 403 insufficient_scope. */
export const Roles = (...roles: string[]) => SetMetadata(REQUIRED_ROLES, roles);
