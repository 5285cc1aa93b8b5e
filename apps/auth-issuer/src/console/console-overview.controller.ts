import { Get, Inject } from '@nestjs/common';
import { GuardMetrics } from '@app/auth-guard';
import { AdminController } from '../admin/admin-api.decorator';
import { ISSUER_CONFIG, IssuerConfig } from '../config/issuer.config';
import { keyTiming } from '../keys/lifecycle/key-timing';
import { SigningKeyStore } from '../keys/store/signing-key.store';
import { IssuerMetrics } from '../metrics/issuer-metrics.service';
import { KeyTimelineEntry, keyTimeline } from '../metrics/key-timeline';

export interface ConsoleOverview {
  now: string;
  keys: KeyTimelineEntry[];
  /** Since this replica started: tokens it signed per kid, and tokens its own guard checked per kid. */
  traffic: { signed: Record<string, number>; verified: Record<string, number> };
  timing: { rotation_interval_seconds: number; publish_lead_seconds: number };
}

/** GET /admin/console/overview: the key timeline and traffic per kid, in one call for the console's first paint. */
@AdminController('console')
export class ConsoleOverviewController {
  constructor(
    private readonly store: SigningKeyStore,
    private readonly metrics: IssuerMetrics,
    private readonly guardMetrics: GuardMetrics,
    @Inject(ISSUER_CONFIG) private readonly config: IssuerConfig,
  ) {}

  @Get('overview')
  async overview(): Promise<ConsoleOverview> {
    const rows = await this.store.findAll();
    return {
      now: new Date().toISOString(),
      keys: keyTimeline(rows, keyTiming(this.config)),
      traffic: { signed: this.metrics.signedPerKid(), verified: this.guardMetrics.kidSnapshot() },
      timing: { rotation_interval_seconds: this.config.keys.rotationIntervalSeconds, publish_lead_seconds: this.config.keys.publishLeadSeconds },
    };
  }
}
