import { ConfigurableModuleBuilder } from '@nestjs/common';
import { AuthGuardOptions, GUARD_DEFAULTS } from './auth-guard.options';

export const { ConfigurableModuleClass, MODULE_OPTIONS_TOKEN, OPTIONS_TYPE, ASYNC_OPTIONS_TYPE } =
  new ConfigurableModuleBuilder<AuthGuardOptions>().setClassMethodName('forRoot').build();

export type ResolvedGuardOptions = AuthGuardOptions & typeof GUARD_DEFAULTS & { algorithms: string[] };

export function resolveOptions(options: AuthGuardOptions): ResolvedGuardOptions {
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const resolved = { ...GUARD_DEFAULTS, ...defined } as ResolvedGuardOptions;
  if (!resolved.issuer || !resolved.audience) throw new Error('AuthGuardModule needs issuer and audience');
  if (resolved.algorithms.some((alg) => /^(none|HS\d+)$/i.test(alg))) throw new Error('AuthGuardModule refuses none and HMAC algorithms');
  return resolved;
}
