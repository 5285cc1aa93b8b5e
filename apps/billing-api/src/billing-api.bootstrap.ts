import type { RunningApp } from '@app/platform';
import { startResourceService } from '@app/service-kit';
import { InvoicesController } from './invoices.controller';

export function startBillingApi(env: NodeJS.ProcessEnv): Promise<RunningApp> {
  return startResourceService(env, { name: 'billing-api', port: 3002 }, [InvoicesController]);
}
