export * from './config.error';
export * from './env.readers';
export * from './redis.client';
export * from './running-app';
export * from './run-main';
export * from './http-app.factory';
export * from './quiet.logger';
export * from './strict-json';
