import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { readConfigFile, sys } from 'typescript';

/**
 * The architecture's import rules, checked on every file: libs never import apps, no app imports
 * another, apps reach libs only through their barrels, and the guard library holds no signing code
 * (the single-service HS256 mode signs in libs/hs256-tokens, layered on top of the guard).
 * Its `testing` entry point does sign (test keys), so only specs and the entry point itself may import it.
 * The libs form layers (LAYERS): each imports only the libs below it.
 */
const root = join(__dirname, '..');

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return tsFiles(path);
    return path.endsWith('.ts') ? [relative(root, path)] : [];
  });
}

const isSpec = (file: string) => file.endsWith('.spec.ts');
const sources = (dir: string) => tsFiles(dir).filter((file) => !isSpec(file));
const GUARD_TESTING = 'libs/auth-guard/src/testing/';
const inGuardTesting = (file: string) => file.startsWith(GUARD_TESTING);

function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  return [...text.matchAll(/(?:from|import|import\(|require\()\s*['"]([^'"]+)['"]/g)].map((m) => m[1]);
}

/** Imports that load code at run time (`import type` is erased by the compiler). */
function runtimeImportsOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8').replace(/^(import|export) type [^;]+;/gm, '');
  return [...text.matchAll(/(?:from|import|require\()\s*['"]([^'"]+)['"]/g)].map((m) => m[1]);
}

/** A relative or `@app/<lib>[/<file>]` import as a repository path, or undefined for a package. */
function resolveLocal(file: string, spec: string): string | undefined {
  const alias = /^@app\/([^/]+)(?:\/(.+))?$/.exec(spec);
  const target = alias ? join('libs', alias[1], 'src', alias[2] ?? 'index') : spec.startsWith('.') ? resolveRelative(file, spec) : undefined;
  if (target === undefined) return undefined;
  const candidates = [`${target}.ts`, join(target, 'index.ts')];
  return candidates.find((candidate) => existsSync(join(root, candidate)));
}

/** Every package a file loads, following its local imports transitively: [package, the file that imports it]. */
function packagesLoadedBy(entry: string): [string, string][] {
  const seen = new Set<string>();
  const found: [string, string][] = [];
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const spec of runtimeImportsOf(file)) {
      const local = resolveLocal(file, spec);
      if (local) visit(local);
      else if (!spec.startsWith('.')) found.push([spec, file]);
    }
  };
  visit(entry);
  return found;
}

const appOf = (path: string) => /^apps\/([^/]+)\//.exec(path)?.[1];
const resolveRelative = (file: string, spec: string) => relative(root, join(root, file, '..', spec));

/** Each lib and the libs it may import: contract → platform → auth-guard → service-kit, and hs256-tokens on the guard. */
const LAYERS: Record<string, readonly string[]> = {
  contract: [],
  platform: ['contract'],
  'auth-guard': ['contract', 'platform'],
  'service-kit': ['contract', 'platform', 'auth-guard'],
  'hs256-tokens': ['contract', 'platform', 'auth-guard'],
};
const libOf = (path: string) => /^libs\/([^/]+)\//.exec(path)?.[1];

/** The lib an import reaches, by `@app/<lib>[/<sub>]` alias or by relative path; undefined for anything else. */
function libReachedBy(file: string, spec: string): string | undefined {
  const alias = /^@app\/([^/]+)/.exec(spec);
  if (alias) return alias[1];
  return spec.startsWith('.') ? libOf(resolveRelative(file, spec)) : undefined;
}

/** A lib file's imports that break the layering: a lib not below its own, or another lib (or anything outside its own) by relative path. */
function layeringViolations(file: string, specs: string[]): string[] {
  const own = libOf(file);
  if (own === undefined) return [];
  const allowed = LAYERS[own] ?? [];
  return specs
    .filter((spec) => {
      if (spec.startsWith('.') && !resolveRelative(file, spec).startsWith(`libs/${own}/`)) return true;
      const target = libReachedBy(file, spec);
      return target !== undefined && target !== own && !allowed.includes(target);
    })
    .map((spec) => `${file} -> ${spec}`);
}

/** The `@app/...` entries tsconfig declares: a lib's barrel, its named subpath entries, and wildcard roots (`@app/platform/`). */
const declaredEntries = (() => {
  const { config } = readConfigFile(join(root, 'tsconfig.json'), (path) => sys.readFile(path)) as {
    config: { compilerOptions: { paths: Record<string, string[]> } };
  };
  const keys = Object.keys(config.compilerOptions.paths).filter((key) => key.startsWith('@app/'));
  return { exact: new Set(keys.filter((key) => !key.endsWith('/*'))), wildcardRoots: keys.filter((key) => key.endsWith('/*')).map((key) => key.slice(0, -1)) };
})();
const isDeclaredEntry = (spec: string) => declaredEntries.exact.has(spec);
const isUnderWildcard = (spec: string) => declaredEntries.wildcardRoots.some((prefix) => spec.startsWith(prefix) && !spec.slice(prefix.length).includes('/'));

describe('module boundaries', () => {
  const libFiles = sources(join(root, 'libs'));
  const appFiles = sources(join(root, 'apps'));
  const libSpecs = tsFiles(join(root, 'libs')).filter(isSpec);

  it('found the code it checks', () => {
    expect(libFiles.length).toBeGreaterThan(30);
    expect(appFiles.length).toBeGreaterThan(30);
  });

  it('libs never import apps', () => {
    const offending = libFiles.flatMap((file) =>
      importsOf(file)
        .filter((spec) => spec.startsWith('.') && resolveRelative(file, spec).startsWith('apps/'))
        .map((spec) => `${file} -> ${spec}`),
    );
    expect(offending).toEqual([]);
  });

  it('no app imports another app, and apps use lib barrels or declared subpath entries only', () => {
    const offending = appFiles.flatMap((file) =>
      importsOf(file)
        .filter((spec) => {
          if (spec.startsWith('@app/')) return !isDeclaredEntry(spec);
          if (!spec.startsWith('.')) return false;
          const target = resolveRelative(file, spec);
          return target.startsWith('libs/') || (target.startsWith('apps/') && appOf(target) !== appOf(file));
        })
        .map((spec) => `${file} -> ${spec}`),
    );
    expect(offending).toEqual([]);
  });

  it('every lib has a place in the layering', () => {
    const libs = readdirSync(join(root, 'libs')).filter((name) => statSync(join(root, 'libs', name)).isDirectory());
    expect(libs.sort()).toEqual(Object.keys(LAYERS).sort());
  });

  it('each lib imports only the libs below it, barrel or subpath, code and specs alike', () => {
    const offending = [...libFiles, ...libSpecs].flatMap((file) => layeringViolations(file, importsOf(file)));
    expect(offending).toEqual([]);
  });

  it('the layering check flags imports upward, sideways, through subpaths and by relative path', () => {
    const planted = layeringViolations('libs/contract/src/x.ts', [
      '@app/platform',
      '@app/platform/app-error',
      '../../platform/src/app-error',
      '../../../apps/auth-issuer/src/main',
    ]);
    expect(planted).toHaveLength(4);
    expect(layeringViolations('libs/platform/src/x.ts', ['@app/auth-guard', '@app/service-kit', '@app/hs256-tokens'])).toHaveLength(3);
    expect(
      layeringViolations('libs/auth-guard/src/x.ts', ['@app/service-kit', '@app/hs256-tokens', '@app/contract', '@app/platform/app-error', './y']),
    ).toHaveLength(2);
    expect(layeringViolations('libs/service-kit/src/x.ts', ['@app/hs256-tokens', '@app/auth-guard', '@app/auth-guard/node'])).toHaveLength(1);
    expect(layeringViolations('libs/hs256-tokens/src/x.ts', ['@app/service-kit', '@app/auth-guard/testing'])).toHaveLength(1);
  });

  it('every @app import names an entry tsconfig declares (a barrel, a named subpath, or a file under a wildcard root)', () => {
    const everywhere = [
      ...tsFiles(join(root, 'apps')),
      ...tsFiles(join(root, 'libs')),
      ...tsFiles(join(root, 'scripts')),
      ...tsFiles(join(root, 'test')),
      ...tsFiles(join(root, 'bench')),
    ];
    const offending = everywhere.flatMap((file) =>
      importsOf(file)
        .filter((spec) => spec.startsWith('@app/') && !isDeclaredEntry(spec) && !isUnderWildcard(spec))
        .map((spec) => `${file} -> ${spec}`),
    );
    expect(offending).toEqual([]);
  });

  it('the guard library holds no signing code', () => {
    const signing = /\b(SignJWT|CompactSign|createSign|generateKeyPair(Sync)?|privateKey)\b|\bcrypto\.sign\(|\bsign\(/;
    const offending = libFiles.filter(
      (file) => file.startsWith('libs/auth-guard/') && !inGuardTesting(file) && signing.test(readFileSync(join(root, file), 'utf8')),
    );
    expect(offending).toEqual([]);
  });

  it('HMAC signing lives in libs/hs256-tokens alone, which builds on the guard and contract and is built on by no lib', () => {
    const HS256_LIB = 'libs/hs256-tokens/';
    const hs256Files = libFiles.filter((file) => file.startsWith(HS256_LIB));
    expect(hs256Files.length).toBeGreaterThan(3);
    const allowedLibs = new Set(['@app/auth-guard', '@app/contract', '@app/platform']);
    const offending = [
      ...hs256Files.flatMap((file) =>
        importsOf(file)
          .filter((spec) => spec.startsWith('@app/') && !allowedLibs.has(spec.split('/').slice(0, 2).join('/')))
          .map((spec) => `${file} -> ${spec}`),
      ),
      // The layering runs one way: no other lib depends on the HS256 mode, and only it loads @nestjs/jwt.
      ...libFiles
        .filter((file) => !file.startsWith(HS256_LIB))
        .flatMap((file) =>
          importsOf(file)
            .filter(
              (spec) =>
                spec === '@app/hs256-tokens' || spec.startsWith('@nestjs/jwt') || (spec.startsWith('.') && resolveRelative(file, spec).startsWith(HS256_LIB)),
            )
            .map((spec) => `${file} -> ${spec}`),
        ),
    ];
    expect(offending).toEqual([]);
  });

  it('only specs import the guard testing entry point, so production code never loads test keys', () => {
    const offending = [...libFiles, ...appFiles]
      .filter((file) => !inGuardTesting(file))
      .flatMap((file) =>
        importsOf(file)
          .filter((spec) => spec === '@app/auth-guard/testing' || (spec.startsWith('.') && `${resolveRelative(file, spec)}/`.startsWith(GUARD_TESTING)))
          .map((spec) => `${file} -> ${spec}`),
      );
    expect(offending).toEqual([]);
  });

  it('lib specs use public entry points, never the repository test/ folder', () => {
    expect(libSpecs.length).toBeGreaterThan(10);
    const offending = libSpecs.flatMap((file) =>
      importsOf(file)
        .filter((spec) => spec.startsWith('.') && resolveRelative(file, spec).startsWith('test/'))
        .map((spec) => `${file} -> ${spec}`),
    );
    expect(offending).toEqual([]);
  });

  it("the guard library's plain-Node entry loads nothing from Nest, directly or through what it imports", () => {
    const entries = libFiles.filter((file) => file.startsWith('libs/auth-guard/src/node/'));
    expect(entries.length).toBeGreaterThan(2);
    const loaded = entries.flatMap((entry) => packagesLoadedBy(entry));
    // The walk does reach the shared verifier, key set and revocation checker.
    expect(loaded.map(([spec]) => spec)).toEqual(expect.arrayContaining(['node:crypto', 'ioredis']));
    const offending = loaded.filter(([spec]) => /^@nestjs\/|^reflect-metadata$|^rxjs/.test(spec)).map(([spec, file]) => `${file} -> ${spec}`);
    expect([...new Set(offending)]).toEqual([]);
  });
});
