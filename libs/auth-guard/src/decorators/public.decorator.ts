import { SetMetadata } from '@nestjs/common';
import { IS_PUBLIC } from './metadata.keys';

/** Opts a route out of the global deny-by-default guard. */
export const Public = () => SetMetadata(IS_PUBLIC, true);
