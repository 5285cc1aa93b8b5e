import 'reflect-metadata';
import { runMain } from '@app/platform';
import { startOrdersApi } from './orders-api.bootstrap';

runMain(() => startOrdersApi(process.env));
