import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigMap, Secret, Service } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { parseAllDocuments } from 'yaml';
import { loadAppConfig } from '../src/config/app-config';
import { MetricsService } from '../src/metrics/metrics.service';

const K8S = join(__dirname, '..', 'deploy', 'k8s');
type Doc = { apiVersion: string; kind: string; metadata: { name: string }; [k: string]: any };

/** Offline schema validation: kubernetes-models' validators, generated from the Kubernetes OpenAPI schemas. */
const MODELS: Record<string, new (doc: any) => { validate: () => void }> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
};

const files = readdirSync(K8S).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
const docs: Array<{ file: string; doc: Doc }> = files.flatMap((file) =>
  parseAllDocuments(readFileSync(join(K8S, file), 'utf8')).map((d) => {
    if (d.errors.length) throw new Error(`${file}: ${d.errors[0].message}`);
    return { file, doc: d.toJS() as Doc };
  }),
);
const find = (kind: string, name: string) => docs.find((d) => d.doc.kind === kind && d.doc.metadata.name === name)?.doc;

describe('deploy/k8s', () => {
  it.each(docs.map((d) => [`${d.file}: ${d.doc.kind} ${d.doc.metadata.name}`, d.doc] as const))(
    '%s passes the Kubernetes schema',
    (_n, doc) => {
      const Model = MODELS[`${doc.apiVersion}/${doc.kind}`];
      expect(Model).toBeDefined();
      expect(() => new Model(doc).validate()).not.toThrow();
    },
  );

  it('catches a broken manifest (the check is not a no-op)', () => {
    const api = structuredClone(find('Deployment', 'algoagent-api')!);
    api.spec.replicas = 'two';
    expect(() => new Deployment(api).validate()).toThrow(/replicas must be integer/);
    delete api.spec.selector;
    expect(() => new Deployment(api).validate()).toThrow(/selector/);
  });

  it('lists every manifest in the kustomization', () => {
    const kustomization = parseAllDocuments(readFileSync(join(K8S, 'kustomization.yaml'), 'utf8'))[0].toJS();
    expect([...kustomization.resources].sort()).toEqual(files.filter((f) => !f.includes('example')).sort());
  });

  it('runs the API with probes on live/ready, resources and config from the ConfigMap and Secret', () => {
    const api = find('Deployment', 'algoagent-api')!;
    const [c] = api.spec.template.spec.containers;
    expect(c.livenessProbe.httpGet.path).toBe('/health/live');
    expect(c.readinessProbe.httpGet.path).toBe('/health/ready');
    expect(c.resources.requests).toEqual(expect.objectContaining({ cpu: expect.any(String), memory: expect.any(String) }));
    expect(c.resources.limits).toEqual(expect.objectContaining({ memory: expect.any(String) }));
    expect(c.envFrom).toEqual([{ configMapRef: { name: 'algoagent-config' } }, { secretRef: { name: 'algoagent-secrets' } }]);
    for (const [k, v] of Object.entries(api.spec.selector.matchLabels)) expect(api.spec.template.metadata.labels[k]).toBe(v);
    // The grace period outlasts the app's own drain (SHUTDOWN_TIMEOUT_MS) plus the preStop pause.
    const config = find('ConfigMap', 'algoagent-config')!;
    expect(api.spec.template.spec.terminationGracePeriodSeconds * 1000).toBeGreaterThan(Number(config.data.SHUTDOWN_TIMEOUT_MS) + 5000);
  });

  it('runs the worker as node dist/worker.js with the same config', () => {
    const worker = find('Deployment', 'algoagent-worker')!;
    const [c] = worker.spec.template.spec.containers;
    expect(c.command).toEqual(['node', 'dist/worker.js']);
    expect(c.envFrom).toEqual(find('Deployment', 'algoagent-api')!.spec.template.spec.containers[0].envFrom);
    expect(c.resources.limits.memory).toBeDefined();
  });

  it('points the Service, PDBs and HPAs at pods and Deployments that exist', () => {
    const api = find('Deployment', 'algoagent-api')!;
    const service = find('Service', 'algoagent-api')!;
    for (const [k, v] of Object.entries(service.spec.selector)) expect(api.spec.template.metadata.labels[k]).toBe(v);
    expect(api.spec.template.spec.containers[0].ports.map((p: { name: string }) => p.name)).toContain(service.spec.ports[0].targetPort);
    for (const name of ['algoagent-api', 'algoagent-worker']) {
      const deployment = find('Deployment', name)!;
      expect(find('PodDisruptionBudget', name)!.spec.selector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
      expect(find('HorizontalPodAutoscaler', name)!.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name });
    }
  });

  it('holds a configuration the app accepts (ConfigMap + example Secret)', () => {
    const env = { ...find('ConfigMap', 'algoagent-config')!.data, ...find('Secret', 'algoagent-secrets')!.stringData };
    delete env['keys.json'];
    const config = loadAppConfig(env);
    expect(config.env).toBe('production');
    expect(config.warnings).toEqual([]);
    expect(config.secrets.type).toBe('vault');
  });
});

describe('deploy/grafana', () => {
  it('charts only metrics the service exports', async () => {
    const dashboard = JSON.parse(readFileSync(join(__dirname, '..', 'deploy', 'grafana', 'algoagent-dashboard.json'), 'utf8'));
    const exported = new Set((await new MetricsService().registry.getMetricsAsJSON()).map((m) => m.name));
    const used = new Set<string>();
    for (const panel of dashboard.panels) {
      for (const target of panel.targets) {
        for (const [, name] of String(target.expr).matchAll(/\b([a-z_]+?)(?:_bucket|_count|_sum)?(?=[{[)\s])/g)) {
          if (/^(gemini|http|secret|bot|state)_/.test(name)) used.add(name);
        }
      }
    }
    expect(used.size).toBeGreaterThan(8);
    expect([...used].filter((n) => !exported.has(n))).toEqual([]);
  });
});
