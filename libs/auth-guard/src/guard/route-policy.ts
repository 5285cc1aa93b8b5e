import type { Reflector } from '@nestjs/core';
import { DELEGATION_RULE, IS_PUBLIC, REQUIRED_ROLES, REQUIRED_SCOPES, REVOCATION_FAIL_OPEN } from '../decorators/metadata.keys';
import type { DelegationRule } from './access-rules';

/** What a handler's decorators (@Public, @Roles, @Scopes, @Delegation, @RevocationFailOpen) ask of a token. */
export interface RoutePolicy {
  isPublic: boolean;
  roles?: string[];
  scopes?: string[];
  delegation?: DelegationRule;
  revocationFailOpen: boolean;
}

/**
 * Each handler's policy, read once through the Reflector (handler first, then its class) and then kept: decorator
 * metadata is fixed once the app has started, and five metadata reads per request were a measurable share of a request.
 */
export class RoutePolicies {
  // By class, then handler: an inherited handler can sit under several controllers with different class-level rules.
  private readonly byClass = new WeakMap<object, WeakMap<object, RoutePolicy>>();

  constructor(private readonly reflector: Reflector) {}

  of(handler: object, controller: object): RoutePolicy {
    let handlers = this.byClass.get(controller);
    if (!handlers) this.byClass.set(controller, (handlers = new WeakMap()));
    let policy = handlers.get(handler);
    if (!policy) handlers.set(handler, (policy = this.read([handler as never, controller as never])));
    return policy;
  }

  private read(targets: Parameters<Reflector['getAllAndOverride']>[1]): RoutePolicy {
    const get = <T>(key: symbol) => this.reflector.getAllAndOverride<T | undefined>(key, targets);
    return {
      isPublic: get<boolean>(IS_PUBLIC) === true,
      roles: get<string[]>(REQUIRED_ROLES),
      scopes: get<string[]>(REQUIRED_SCOPES),
      delegation: get<DelegationRule>(DELEGATION_RULE),
      revocationFailOpen: get<boolean>(REVOCATION_FAIL_OPEN) === true,
    };
  }
}
