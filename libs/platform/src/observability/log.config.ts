import { readEnum } from '../env.readers';
import { LOG_LEVEL_NAMES, type LogLevelName } from './json.logger';

type Env = Record<string, string | undefined>;

/** LOG_LEVEL (default `log`, i.e. info; `warn` under NODE_ENV=test so test output stays readable). */
export function readLogLevel(env: Env): LogLevelName {
  return readEnum(env, 'LOG_LEVEL', LOG_LEVEL_NAMES, env.NODE_ENV === 'test' ? 'warn' : 'log');
}
