import { DynamicModule, Module } from '@nestjs/common';
import type { Registry } from 'prom-client';
import { IssuerMetrics } from './issuer-metrics.service';
import { KeyLifecycleGauges } from './key-lifecycle.gauges';
import { METRICS_REGISTRY } from './metrics.tokens';
import { TokensIssuedHook } from './tokens-issued.hook';

/**
 * The issuer's series on the app's registry (docs/operations.md): tokens issued, logins, reuse detections,
 * security events, key lifecycle. The registry is made per app by the bootstrap, which also serves it
 * (GET /metrics behind METRICS_TOKEN) and adds the guard's and Node's series. Exports IssuerMetrics (console).
 */
@Module({})
export class IssuerMetricsModule {
  static forRegistry(registry: Registry): DynamicModule {
    return {
      module: IssuerMetricsModule,
      providers: [{ provide: METRICS_REGISTRY, useValue: registry }, IssuerMetrics, KeyLifecycleGauges, TokensIssuedHook],
      exports: [IssuerMetrics],
    };
  }
}
