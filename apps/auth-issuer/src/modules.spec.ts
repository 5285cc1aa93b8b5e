import { DynamicModule, Module, Type } from '@nestjs/common';
import { GLOBAL_MODULE_METADATA, PARAMTYPES_METADATA, SELF_DECLARED_DEPS_METADATA } from '@nestjs/common/constants';
import { Test } from '@nestjs/testing';
import { Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { GuardMetrics } from '@app/auth-guard';
import { AuditLog } from './audit/audit-log.service';
import { SessionsModule } from './auth/sessions.module';
import { CliModule } from './cli/cli.module';
import { ExchangeModule } from './exchange/exchange.module';
import { ISSUER_CONFIG, IssuerConfig, loadIssuerConfig } from './config/issuer.config';
import { CLOCK, SYSTEM_CLOCK } from './core/clock';
import { ConsoleModule } from './console/console.module';
import { IssuerCoreModule } from './core/issuer-core.module';
import { HealthModule } from './health/health.module';
import { IssuerModule } from './issuer.module';
import { KeyEventsModule } from './keys/events/key-events.module';
import { KeysModule } from './keys/keys.module';
import { KeyLifecycleModule } from './keys/lifecycle/key-lifecycle.module';
import { KeyRingModule } from './keys/ring/key-ring.module';
import { IssuerMetricsModule } from './metrics/issuer-metrics.module';
import { SigningKeyStore } from './keys/store/signing-key.store';
import { AccessTokenInspectionModule } from './oauth/access-token-inspection.module';
import { OAuthModule } from './oauth/oauth.module';
import { OidcModule } from './oidc/oidc.module';
import { ISSUER_REDIS } from './redis/issuer-redis';
import { RevocationModule } from './revocation/revocation.module';
import { moduleGraph, ModuleNode, nodeOf } from './testing/module-graph';
import { ThrottleModule } from './throttle/throttle.module';
import { UsersModule } from './users/users.module';

/**
 * The issuer's module contract (docs/architecture.md): one global core, features that import what they use
 * and export what others use, nothing more; and Nest itself refuses a feature whose imports are missing.
 */
const config: IssuerConfig = loadIssuerConfig({
  DATABASE_URL: 'postgres://unused/unused',
  REDIS_URL: 'memory://modules-spec',
  KEY_ENCRYPTION_KEY: '00'.repeat(32),
});

const FEATURES: Record<string, Type | DynamicModule> = {
  UsersModule,
  ThrottleModule,
  RevocationModule,
  KeyEventsModule,
  KeyRingModule,
  'KeyLifecycleModule.withKeyRing()': KeyLifecycleModule.withKeyRing(),
  'KeyLifecycleModule.withoutKeyRing()': KeyLifecycleModule.withoutKeyRing(),
  SessionsModule,
  AccessTokenInspectionModule,
  ExchangeModule,
  OAuthModule,
  OidcModule,
  KeysModule,
  HealthModule,
  'IssuerMetricsModule.forRegistry()': IssuerMetricsModule.forRegistry(new Registry()),
  'ConsoleModule.withMetrics()': ConsoleModule.withMetrics(IssuerMetricsModule.forRegistry(new Registry())),
};
const OWN = new Set<Type>([IssuerCoreModule, ...Object.values(FEATURES).map((ref) => nodeOf(ref).module)]);

/** The core's tokens as stand-ins (nothing connects), plus the guard's metrics that its global module provides. */
@Module({
  providers: [
    { provide: ISSUER_CONFIG, useValue: config },
    { provide: CLOCK, useValue: SYSTEM_CLOCK },
    { provide: ISSUER_REDIS, useValue: {} },
    { provide: AuditLog, useValue: {} },
    { provide: SigningKeyStore, useValue: {} },
    { provide: DataSource, useValue: { options: { type: 'postgres' }, entityMetadatas: [], getRepository: () => ({}) } },
    { provide: GuardMetrics, useValue: {} },
  ],
  exports: [ISSUER_CONFIG, CLOCK, ISSUER_REDIS, AuditLog, SigningKeyStore, DataSource, GuardMetrics],
})
class StandInCoreModule {}
const standInCore: DynamicModule = { module: StandInCoreModule, global: true };

async function compile(feature: Type | DynamicModule): Promise<void> {
  // Resolving is the point: no lifecycle hook runs (nothing behind the stand-ins), so nothing is closed either.
  await Test.createTestingModule({ imports: [standInCore, feature] }).compile();
}

/** Every token a class asks for in its constructor (declared types, overridden by @Inject tokens). */
function dependenciesOf(type: unknown): unknown[] {
  if (typeof type !== 'function') {
    const provider = type as { useClass?: unknown; inject?: unknown[] };
    return provider?.useClass ? dependenciesOf(provider.useClass) : (provider?.inject ?? []);
  }
  const declared = [...((Reflect.getMetadata(PARAMTYPES_METADATA, type) as unknown[] | undefined) ?? [])];
  for (const { index, param } of (Reflect.getMetadata(SELF_DECLARED_DEPS_METADATA, type) as { index: number; param: unknown }[] | undefined) ?? [])
    declared[index] = param;
  return declared;
}

const usedBy = (node: ModuleNode) => new Set([...node.providers, ...node.controllers].flatMap(dependenciesOf));
const tokenOf = (provider: unknown) => (typeof provider === 'function' ? provider : (provider as { provide?: unknown })?.provide);
const nameOf = (token: unknown) => (typeof token === 'function' ? token.name : String(token));

describe('issuer modules', () => {
  const server = moduleGraph(IssuerModule.forConfig(config));
  const cli = moduleGraph(CliModule.forConfig(config));
  const own = (graph: ModuleNode[]) => graph.filter((node) => OWN.has(node.module));

  it('the server and the CLI stand on the same core', () => {
    expect(server.some((node) => node.module === IssuerCoreModule)).toBe(true);
    expect(cli.some((node) => node.module === IssuerCoreModule)).toBe(true);
  });

  it('the core is the only global module of the issuer', () => {
    const global = (ref: Type | DynamicModule) =>
      ('module' in ref ? ref.global === true : false) || Reflect.getMetadata(GLOBAL_MODULE_METADATA, nodeOf(ref).module) === true;
    const refs = [IssuerModule.forConfig(config), CliModule.forConfig(config)].flatMap((root) => [root, ...moduleGraph(root).flatMap((node) => node.imports)]);
    const globals = new Set(refs.filter((ref) => OWN.has(nodeOf(ref).module) && global(ref)).map((ref) => nodeOf(ref).module));
    expect([...globals]).toEqual([IssuerCoreModule]);
  });

  it('the CLI holds no key ring, scheduler, HTTP feature or demo users', () => {
    expect(
      own(cli)
        .map((node) => node.module.name)
        .sort(),
    ).toEqual(['IssuerCoreModule', 'KeyEventsModule', 'KeyLifecycleModule', 'UsersModule']);
  });

  it.each(Object.entries(FEATURES))('%s compiles on the core with its declared imports', async (_name, feature) => {
    await expect(compile(feature)).resolves.toBeUndefined();
  });

  it.each(Object.entries(FEATURES).filter(([, feature]) => nodeOf(feature).imports.length > 0))(
    '%s without its imports is refused by Nest',
    async (name, feature) => {
      const node = nodeOf(feature);
      @Module({ controllers: node.controllers, providers: node.providers as never[] })
      class WithoutImports {}
      Object.defineProperty(WithoutImports, 'name', { value: `${name} without imports` });
      await expect(compile(WithoutImports)).rejects.toThrow(/can't resolve dependencies/i);
    },
  );

  it('every export of a feature is used by a module that imports it (or by the operator CLI)', () => {
    const cliReads = new Set<unknown>(cli.flatMap((node) => node.exports)); // `app.get` in cli.commands.ts
    const unused = own(server)
      .filter((node) => node.module !== IssuerCoreModule)
      .flatMap((node) => node.exports.map((token) => ({ node, token })))
      .filter(
        ({ node, token }) =>
          !server.some((user) => user.imports.some((ref) => nodeOf(ref).module === node.module) && usedBy(user).has(token)) && !cliReads.has(token),
      )
      .map(({ node, token }) => `${node.module.name} exports ${nameOf(token)}`);
    expect([...new Set(unused)]).toEqual([]);
  });

  it('every import of a feature is used: some class of the importer injects one of its exports', () => {
    const unused = [...own(server), ...own(cli)]
      .filter((node) => node.module !== IssuerCoreModule)
      .flatMap((node) =>
        node.imports
          .map(nodeOf)
          .filter((imported) => OWN.has(imported.module))
          .filter((imported) => !imported.exports.some((token) => usedBy(node).has(token)))
          .map((imported) => `${node.module.name} imports ${imported.module.name}`),
      );
    expect([...new Set(unused)]).toEqual([]);
  });

  it('what a feature provides, it declares once: no provider is listed by two modules', () => {
    const owners = new Map<unknown, string[]>();
    for (const node of own(server))
      for (const provider of node.providers) owners.set(tokenOf(provider), [...(owners.get(tokenOf(provider)) ?? []), node.module.name]);
    const twice = [...owners].filter(([, modules]) => new Set(modules).size > 1).map(([token, modules]) => `${nameOf(token)}: ${modules.join(', ')}`);
    expect(twice).toEqual([]);
  });
});
