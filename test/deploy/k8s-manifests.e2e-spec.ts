import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigMap, Secret, Service } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { parseAllDocuments } from 'yaml';

/** deploy/k8s/ is checked against the code it deploys: env names the apps read, ports they listen on, probes, selectors. */
const root = join(__dirname, '..', '..');
const dir = join(root, 'deploy', 'k8s');
const APPS: Record<string, { port: number; sources: string[] }> = {
  'auth-issuer': { port: 3000, sources: ['apps/auth-issuer/src', 'libs'] },
  'orders-api': { port: 3001, sources: ['apps/orders-api/src', 'libs'] },
  'billing-api': { port: 3002, sources: ['apps/billing-api/src', 'libs'] },
};
const API_VERSIONS: Record<string, string> = { Deployment: 'apps/v1', Service: 'v1', PodDisruptionBudget: 'policy/v1', ConfigMap: 'v1', Secret: 'v1' };
/** The Kubernetes OpenAPI schemas of each kind, as kubernetes-models compiles them (field names, types, required fields). */
const MODELS: Record<string, new (data: object) => { validate(): void }> = { Deployment, Service, PodDisruptionBudget, ConfigMap, Secret };

type Obj = Record<string, any>;
interface Manifest {
  file: string;
  doc: Obj;
}

function loadManifests(from: string): Manifest[] {
  return readdirSync(from)
    .filter((f) => /\.ya?ml$/.test(f))
    .flatMap((file) =>
      parseAllDocuments(readFileSync(join(from, file), 'utf8')).map((parsed) => {
        if (parsed.errors.length > 0) throw new Error(`${file}: ${parsed.errors[0].message}`);
        return { file, doc: parsed.toJS() as Obj };
      }),
    );
}

function tsFiles(path: string): string[] {
  return readdirSync(path, { withFileTypes: true }).flatMap((entry) => {
    const full = join(path, entry.name);
    if (entry.isDirectory()) return tsFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [full] : [];
  });
}

/** Env names read through the platform readers, `env.NAME` or `env['NAME']`. */
function envNamesRead(sources: string[]): Set<string> {
  const names = new Set<string>();
  const patterns = [/read\w*\(\s*env\s*,\s*'([A-Z][A-Z0-9_]*)'/g, /\benv\.([A-Z][A-Z0-9_]*)/g, /\benv\[\s*'([A-Z][A-Z0-9_]*)'\s*\]/g];
  for (const file of sources.flatMap((s) => tsFiles(join(root, s)))) {
    const text = readFileSync(file, 'utf8');
    for (const pattern of patterns) for (const match of text.matchAll(pattern)) names.add(match[1]);
  }
  return names;
}

const byKind = (manifests: Manifest[], kind: string) => manifests.filter((m) => m.doc.kind === kind);
const matches = (selector: Obj, labels: Obj) => Object.entries(selector).every(([k, v]) => labels?.[k] === v);

/** Every problem found, as "file: what"; empty when the manifests are sound. */
function manifestProblems(manifests: Manifest[]): string[] {
  const problems: string[] = [];
  const fail = (m: Manifest, what: string) => problems.push(`${m.file} ${m.doc?.kind ?? '?'}/${m.doc?.metadata?.name ?? '?'}: ${what}`);
  const configMaps = new Map(byKind(manifests, 'ConfigMap').map((m) => [m.doc.metadata?.name, m.doc]));
  const secrets = new Map(byKind(manifests, 'Secret').map((m) => [m.doc.metadata?.name, m.doc]));

  for (const m of manifests) {
    if (!m.doc || typeof m.doc !== 'object') {
      fail(m, 'empty document');
      continue;
    }
    if (API_VERSIONS[m.doc.kind] === undefined) fail(m, `unexpected kind ${m.doc.kind}`);
    else if (m.doc.apiVersion !== API_VERSIONS[m.doc.kind]) fail(m, `apiVersion ${m.doc.apiVersion}, expected ${API_VERSIONS[m.doc.kind]}`);
    if (!m.doc.metadata?.name) fail(m, 'no metadata.name');
    const Model = MODELS[m.doc.kind];
    try {
      if (Model && m.doc.apiVersion === API_VERSIONS[m.doc.kind]) new Model(m.doc).validate();
    } catch (error) {
      fail(m, `schema: ${(error as Error).message}`);
    }
  }
  for (const m of byKind(manifests, 'Secret')) {
    for (const [key, value] of Object.entries({ ...m.doc.stringData, ...m.doc.data }))
      if (value !== 'REPLACE_ME') fail(m, `${key} holds a value, not REPLACE_ME`);
  }

  const deployments = byKind(manifests, 'Deployment');
  for (const name of Object.keys(APPS)) if (!deployments.some((d) => d.doc.metadata?.name === name)) problems.push(`no Deployment ${name}`);
  for (const m of deployments) {
    const app = APPS[m.doc.metadata?.name];
    if (!app) {
      fail(m, 'not one of the apps');
      continue;
    }
    const spec = m.doc.spec ?? {};
    const labels = spec.template?.metadata?.labels ?? {};
    if (!spec.selector?.matchLabels || !matches(spec.selector.matchLabels, labels)) fail(m, 'selector does not match the pod labels');
    if (m.doc.metadata.name === 'auth-issuer' && !(spec.replicas >= 2)) fail(m, 'the issuer needs 2+ replicas');
    const containers: Obj[] = spec.template?.spec?.containers ?? [];
    if (containers.length !== 1) fail(m, 'expected one container');
    const known = envNamesRead(app.sources);
    for (const c of containers) {
      const port = (c.ports ?? []).find((p: Obj) => p.containerPort === app.port);
      if (!port) fail(m, `no containerPort ${app.port}`);
      const env: Obj[] = c.env ?? [];
      const fromMaps = (c.envFrom ?? []).flatMap((source: Obj) => {
        const ref = source.configMapRef?.name;
        const map = configMaps.get(ref);
        if (!map) fail(m, `envFrom names missing ConfigMap ${ref}`);
        return Object.keys(map?.data ?? {});
      });
      const values = new Map(env.map((e) => [e.name, e.value]));
      for (const key of fromMaps) if (!values.has(key)) values.set(key, configMaps.get(c.envFrom[0].configMapRef.name)?.data?.[key]);
      for (const name of [...env.map((e) => e.name), ...fromMaps]) if (!known.has(name)) fail(m, `env ${name} is read by no config of ${m.doc.metadata.name}`);
      if (values.get('PORT') !== String(app.port)) fail(m, `PORT ${values.get('PORT')} is not ${app.port}`);
      if (values.get('NODE_ENV') !== 'production') fail(m, 'NODE_ENV is not production');
      if (!String(values.get('ISSUER_URL') ?? '').startsWith('https://')) fail(m, 'ISSUER_URL is not https');
      if (![...values.keys()].some((k) => k.startsWith('REDIS_'))) fail(m, 'no REDIS_* setting');
      for (const e of env) {
        const ref = e.valueFrom?.secretKeyRef;
        if (ref && !(secrets.get(ref.name)?.stringData ?? {})[ref.key]) fail(m, `secretKeyRef ${ref.name}/${ref.key} is not in the Secret template`);
      }
      if (m.doc.metadata.name === 'auth-issuer') {
        for (const secret of ['KEY_ENCRYPTION_KEY', 'DATABASE_URL']) {
          if (!env.find((e) => e.name === secret)?.valueFrom?.secretKeyRef) fail(m, `${secret} not from a Secret`);
        }
      }
      // Readiness reports the stores; liveness must not, or a Redis outage restarts every pod at once.
      for (const [probe, path] of [
        ['readinessProbe', '/health'],
        ['livenessProbe', '/health/live'],
      ]) {
        const get = c[probe]?.httpGet;
        if (get?.path !== path) fail(m, `${probe} is not GET ${path}`);
        else if (get.port !== app.port && get.port !== port?.name) fail(m, `${probe} port ${get.port} is not the container port`);
      }
      for (const kind of ['requests', 'limits']) if (!c.resources?.[kind]?.cpu || !c.resources?.[kind]?.memory) fail(m, `no cpu/memory ${kind}`);
    }
  }

  const podsOf = (selector: Obj) => deployments.filter((d) => matches(selector, d.doc.spec?.template?.metadata?.labels ?? {}));
  for (const m of byKind(manifests, 'PodDisruptionBudget')) {
    const selected = podsOf(m.doc.spec?.selector?.matchLabels ?? { none: 'none' });
    if (selected.length !== 1) fail(m, `selector matches ${selected.length} Deployments`);
    else if (m.doc.spec.minAvailable === undefined && m.doc.spec.maxUnavailable === undefined) fail(m, 'neither minAvailable nor maxUnavailable');
  }
  for (const name of Object.keys(APPS)) {
    if (!byKind(manifests, 'PodDisruptionBudget').some((p) => podsOf(p.doc.spec?.selector?.matchLabels ?? {}).some((d) => d.doc.metadata.name === name))) {
      problems.push(`no PodDisruptionBudget for ${name}`);
    }
  }
  for (const m of byKind(manifests, 'Service')) {
    const selected = podsOf(m.doc.spec?.selector ?? { none: 'none' });
    if (selected.length !== 1) {
      fail(m, `selector matches ${selected.length} Deployments`);
      continue;
    }
    const ports: Obj[] = selected[0].doc.spec.template.spec.containers.flatMap((c: Obj) => c.ports ?? []);
    for (const p of m.doc.spec.ports ?? []) {
      if (!ports.some((cp) => cp.containerPort === p.targetPort || cp.name === p.targetPort)) fail(m, `targetPort ${p.targetPort} is no container port`);
    }
  }
  return problems;
}

describe('Kubernetes manifests (deploy/k8s)', () => {
  const manifests = loadManifests(dir);

  it('all parse, and match the apps they deploy', () => {
    expect(manifests.length).toBeGreaterThanOrEqual(11);
    expect(manifestProblems(manifests)).toEqual([]);
  });

  it('the env names the check knows include the apps’ real variables (the source scan works)', () => {
    const issuer = envNamesRead(APPS['auth-issuer'].sources);
    for (const name of ['DATABASE_URL', 'KEY_ENCRYPTION_KEY', 'REDIS_URL', 'REDIS_PASSWORD', 'ISSUER_URL', 'PORT', 'DATABASE_SSL'])
      expect(issuer.has(name)).toBe(true);
    expect(envNamesRead(APPS['orders-api'].sources).has('DATABASE_URL')).toBe(false);
  });

  // Each breakage on a copy must be caught: the check is worth only what it refuses.
  const copy = () => manifests.map((m) => ({ file: m.file, doc: structuredClone(m.doc) }));
  const deployment = (ms: Manifest[], name: string) => ms.find((m) => m.doc.kind === 'Deployment' && m.doc.metadata.name === name)!.doc;
  const container = (ms: Manifest[], name: string) => deployment(ms, name).spec.template.spec.containers[0];
  it.each<[string, (ms: Manifest[]) => void, RegExp]>([
    ['a misspelt env name', (ms) => container(ms, 'orders-api').env.push({ name: 'REDIS_ULR', value: 'x' }), /REDIS_ULR is read by no config/],
    [
      'an issuer-only variable on a service',
      (ms) => container(ms, 'billing-api').env.push({ name: 'DATABASE_URL', value: 'x' }),
      /DATABASE_URL is read by no config of billing-api/,
    ],
    ['a probe on another path', (ms) => (container(ms, 'auth-issuer').readinessProbe.httpGet.path = '/healthz'), /readinessProbe is not GET \/health$/m],
    [
      'readiness on the liveness path (never unready in an outage)',
      (ms) => (container(ms, 'orders-api').readinessProbe.httpGet.path = '/health/live'),
      /readinessProbe is not GET \/health$/m,
    ],
    [
      'liveness on the readiness check (restarts in a Redis outage)',
      (ms) => (container(ms, 'billing-api').livenessProbe.httpGet.path = '/health'),
      /livenessProbe is not GET \/health\/live/,
    ],
    ['no liveness probe', (ms) => delete container(ms, 'auth-issuer').livenessProbe, /livenessProbe is not GET \/health\/live/],
    ['a probe on another port', (ms) => (container(ms, 'billing-api').livenessProbe.httpGet.port = 8080), /livenessProbe port 8080/],
    ['a wrong container port', (ms) => (container(ms, 'orders-api').ports[0].containerPort = 3005), /no containerPort 3001/],
    [
      'a PDB selecting nothing',
      (ms) => (ms.find((m) => m.doc.kind === 'PodDisruptionBudget')!.doc.spec.selector.matchLabels['app.kubernetes.io/name'] = 'nope'),
      /selector matches 0/,
    ],
    ['a Service targeting a missing port', (ms) => (ms.find((m) => m.doc.kind === 'Service')!.doc.spec.ports[0].targetPort = 'metrics'), /targetPort metrics/],
    [
      'a committed secret value',
      (ms) => (ms.find((m) => m.doc.kind === 'Secret')!.doc.stringData.DATABASE_URL = 'postgres://u:p@h/db'),
      /DATABASE_URL holds a value/,
    ],
    [
      'the encryption key inline',
      (ms) => (container(ms, 'auth-issuer').env.find((e: Obj) => e.name === 'KEY_ENCRYPTION_KEY').valueFrom = undefined),
      /KEY_ENCRYPTION_KEY not from a Secret/,
    ],
    ['a single issuer replica', (ms) => (deployment(ms, 'auth-issuer').spec.replicas = 1), /2\+ replicas/],
    ['an http issuer', (ms) => (ms.find((m) => m.doc.kind === 'ConfigMap')!.doc.data.ISSUER_URL = 'http://auth'), /ISSUER_URL is not https/],
    ['no limits', (ms) => delete container(ms, 'orders-api').resources.limits, /no cpu\/memory limits/],
    ['a wrong apiVersion', (ms) => (deployment(ms, 'billing-api').apiVersion = 'extensions/v1beta1'), /apiVersion extensions\/v1beta1/],
    ['replicas as a string (schema)', (ms) => (deployment(ms, 'auth-issuer').spec.replicas = 'two'), /schema: .*replicas must be integer/],
    ['an imagePullPolicy Kubernetes does not have (schema)', (ms) => (container(ms, 'orders-api').imagePullPolicy = 'Sometimes'), /schema: .*imagePullPolicy/],
    ['a probe without a handler (schema)', (ms) => (container(ms, 'billing-api').readinessProbe.httpGet.port = { nope: 1 }), /schema: .*port/],
  ])('refuses %s', (_what, breakIt, expected) => {
    const broken = copy();
    breakIt(broken);
    expect(manifestProblems(broken).join('\n')).toMatch(expected);
  });

  it('a file that is not YAML fails to load, naming the file', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'k8s-'));
    writeFileSync(join(tmp, 'broken.yaml'), 'kind: Service\nspec: [1, 2\n');
    expect(() => loadManifests(tmp)).toThrow(/^broken\.yaml: /);
  });
});
