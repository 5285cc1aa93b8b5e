export * from './resource-service.config';
export * from './resource-service.module';
export * from './start-resource-service';
export { IdentityController } from './identity.controller';
export { GuardHealthController } from './guard-health.controller';
