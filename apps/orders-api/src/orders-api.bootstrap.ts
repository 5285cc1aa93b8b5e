import type { RunningApp } from '@app/platform';
import { startResourceService } from '@app/service-kit';
import { OrdersController } from './orders.controller';

export function startOrdersApi(env: NodeJS.ProcessEnv): Promise<RunningApp> {
  return startResourceService(env, { name: 'orders-api', port: 3001 }, [OrdersController]);
}
