import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { AuthGuardOptions } from '../auth-guard.options';

export const { ConfigurableModuleClass: PassportJwtConfigurableModule, MODULE_OPTIONS_TOKEN: PASSPORT_JWT_OPTIONS } =
  new ConfigurableModuleBuilder<AuthGuardOptions>().setClassMethodName('forRoot').build();
