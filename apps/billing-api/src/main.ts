import 'reflect-metadata';
import { runMain } from '@app/platform';
import { startBillingApi } from './billing-api.bootstrap';

runMain(() => startBillingApi(process.env));
