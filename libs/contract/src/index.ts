export * from './access-token.claims';
export * from './token-response';
export * from './paths';
export * from './redis-keys';
export * from './issuer-event.codec';
export * from './auth-cookies';
export * from './clock-tolerance';
export * from './token-exchange';
