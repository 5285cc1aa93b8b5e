import 'reflect-metadata';
import { runMain } from '@app/platform';
import { startHs256Example } from './hs256-example.bootstrap';

runMain(() => startHs256Example(process.env));
