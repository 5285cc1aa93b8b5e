import { Controller, Get } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Public } from '../decorators/public.decorator';
import { Roles } from '../decorators/roles.decorator';
import { Scopes } from '../decorators/scopes.decorator';
import { RoutePolicies } from './route-policy';

@Controller()
class BaseController {
  @Get('a')
  @Scopes('orders:read')
  read() {
    return 'a';
  }
}

@Controller()
@Roles('admin')
class AdminController extends BaseController {}

@Controller()
@Public()
class OpenController extends BaseController {
  @Get('b')
  @Roles('user')
  own() {
    return 'b';
  }
}

/** A handler as Nest passes it (the function on the prototype). */
const handlerOf = (controller: { prototype: object }, name: string): object => Reflect.get(controller.prototype, name) as object;

describe('RoutePolicies', () => {
  const policies = new RoutePolicies(new Reflector());

  it('reads handler rules before class rules, per controller, for an inherited handler', () => {
    const handler = handlerOf(BaseController, 'read');
    expect(policies.of(handler, BaseController)).toMatchObject({ isPublic: false, roles: undefined, scopes: ['orders:read'] });
    expect(policies.of(handler, AdminController)).toMatchObject({ isPublic: false, roles: ['admin'], scopes: ['orders:read'] });
    expect(policies.of(handler, OpenController)).toMatchObject({ isPublic: true, roles: undefined });
    expect(policies.of(handlerOf(OpenController, 'own'), OpenController)).toMatchObject({ isPublic: true, roles: ['user'] });
  });

  it('reads each handler once and answers later calls with the same policy', () => {
    const reflector = new Reflector();
    const reads = jest.spyOn(reflector, 'getAllAndOverride');
    const counted = new RoutePolicies(reflector);
    const first = counted.of(handlerOf(BaseController, 'read'), AdminController);
    const calls = reads.mock.calls.length;
    expect(counted.of(handlerOf(BaseController, 'read'), AdminController)).toBe(first);
    expect(reads.mock.calls.length).toBe(calls);
  });
});
