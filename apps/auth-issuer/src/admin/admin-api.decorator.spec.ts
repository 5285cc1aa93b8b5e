import { GUARDS_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import type { IssuerConfig } from '../config/issuer.config';
import { IssuerModule } from '../issuer.module';
import { moduleGraph } from '../testing/module-graph';
import { AdminAudienceGuard } from './admin-audience.guard';

/** Deny by default for the admin API: a controller under /admin that skipped AdminController would take ordinary tokens. */
describe('issuer controllers under /admin', () => {
  const controllers = moduleGraph(IssuerModule.forConfig({ databaseUrl: 'postgres://unused/unused' } as IssuerConfig)).flatMap((node) => node.controllers);
  const admin = controllers.filter((controller) => /^\/?admin(\/|$)/.test(String(Reflect.getMetadata(PATH_METADATA, controller))));

  it('exist', () => expect(admin.length).toBeGreaterThan(0));

  it.each(admin.map((controller) => [controller.name, controller]))('%s requires an admin-audience token', (_name, controller) => {
    expect(Reflect.getMetadata(GUARDS_METADATA, controller)).toContain(AdminAudienceGuard);
  });
});
