import type { RunningApp } from '@app/platform';
import { startResourceService } from '@app/service-kit';
import { BILLING_CALL_CONFIG, BillingCaller } from './billing.caller';
import { loadBillingCallConfig } from './billing.config';
import { OrdersController } from './orders.controller';

export function startOrdersApi(env: NodeJS.ProcessEnv): Promise<RunningApp> {
  const billing = loadBillingCallConfig(env);
  return startResourceService(
    env,
    { name: 'orders-api', port: 3001 },
    [OrdersController],
    [{ provide: BILLING_CALL_CONFIG, useValue: billing }, BillingCaller],
  );
}
