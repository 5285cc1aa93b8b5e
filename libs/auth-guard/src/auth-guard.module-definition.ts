import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { AuthGuardOptions } from './auth-guard.options';

export const { ConfigurableModuleClass, MODULE_OPTIONS_TOKEN } = new ConfigurableModuleBuilder<AuthGuardOptions>().setClassMethodName('forRoot').build();

export { resolveOptions } from './auth-guard.options.resolve';
export type { ResolvedGuardOptions } from './auth-guard.options.resolve';
