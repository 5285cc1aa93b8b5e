import 'reflect-metadata';
import { runMain } from '@app/platform';
import { startIssuer } from './issuer.bootstrap';

runMain(() => startIssuer(process.env));
