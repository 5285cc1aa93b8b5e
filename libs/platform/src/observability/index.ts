export * from './metrics.config';
export * from './metrics.registry';
export * from './metrics.endpoint';
export * from './tracing';
export * from './json.logger';
export * from './log.config';
export * from './log.redaction';
export * from './request-id';
