import { DynamicModule, Module } from '@nestjs/common';
import { AuditEventsReader } from '../audit/audit-events.reader';
import { AuditEventsController } from './audit-events.controller';
import { ConsoleAssetsController } from './console-assets.controller';
import { ConsoleOverviewController } from './console-overview.controller';

/**
 * The operator console (docs/operations.md): a static page at /console, and the two admin-audience reads it
 * adds, /admin/console/overview (key timeline, traffic per kid) and /admin/audit/events. Its key actions call the
 * existing /admin/keys endpoints. Takes the app's metrics module so it reads the same IssuerMetrics instance.
 */
@Module({})
export class ConsoleModule {
  static withMetrics(metrics: DynamicModule): DynamicModule {
    return {
      module: ConsoleModule,
      imports: [metrics],
      controllers: [ConsoleAssetsController, ConsoleOverviewController, AuditEventsController],
      // AdminAudienceGuard comes with @AdminController: Nest builds a @UseGuards class as this module's injectable.
      providers: [AuditEventsReader],
    };
  }
}
