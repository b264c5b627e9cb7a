// Proves the Kubernetes manifests render with kubectl's kustomize (base and the example
// overlay) and hold together: probes, resources, non-root pods, grace periods that cover the
// shutdown deadline, PDBs and Services that select real pods, Prometheus annotations on the
// metrics port, Secret references, and a KEDA ScaledObject that targets the worker and reads
// the BullMQ wait lists of the queues it consumes. Structural checks: no network for schemas.
import { parseYamlStream, requireTool, run } from './artefacts';

const services = ['upload-gateway', 'ingest-worker', 'webhook-receiver', 'purge-service'];
const workerQueues = ['ingest.validate', 'ingest.optimize', 'ingest.deliver', 'asset.notify'];
const secretKeys = [
  'API_KEYS',
  'GATEWAY_SIGNING_SECRET',
  'S3_EVENTS_TOKEN',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'IMAGEKIT_PRIVATE_KEY',
  'IMAGEKIT_WEBHOOK_SECRET',
  'NOTIFY_SECRET',
  'METRICS_TOKEN',
];
const portKeys: Record<string, string> = {
  'upload-gateway': 'GATEWAY_PORT',
  'ingest-worker': 'WORKER_METRICS_PORT',
  'webhook-receiver': 'WEBHOOK_PORT',
  'purge-service': 'PURGE_METRICS_PORT',
};

function render(dir: string): any[] {
  const kubectl = requireTool('kubectl', 'apt-get install kubernetes-client');
  const result = run(kubectl, ['kustomize', dir]);
  if (result.status !== 0) throw new Error(`kubectl kustomize ${dir} failed:\n${result.output}`);
  return parseYamlStream(result.stdout).filter((object) => object !== null);
}

function matches(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

describe.each(['deploy/k8s/base', 'deploy/k8s/overlays/example'])('kubectl kustomize %s', (dir) => {
  const objects = render(dir);
  const ofKind = (kind: string) => objects.filter((object) => object.kind === kind);
  const deployments = ofKind('Deployment');
  const [config] = ofKind('ConfigMap');
  const containerOf = (name: string) => deployments.find((d) => d.metadata.name === name)!.spec.template.spec.containers[0];

  it('renders well-formed objects: one Deployment, Service and PDB per service, a ConfigMap and a ScaledObject', () => {
    for (const object of objects) {
      expect({ apiVersion: typeof object.apiVersion, kind: typeof object.kind, name: typeof object.metadata?.name }).toEqual({
        apiVersion: 'string',
        kind: 'string',
        name: 'string',
      });
    }
    for (const kind of ['Deployment', 'Service', 'PodDisruptionBudget']) {
      expect(
        ofKind(kind)
          .map((object) => object.metadata.name)
          .sort(),
      ).toEqual([...services].sort());
    }
    expect(ofKind('ConfigMap')).toHaveLength(1);
    expect(ofKind('ScaledObject')).toHaveLength(1);
    expect(ofKind('PodDisruptionBudget').every((pdb) => pdb.apiVersion === 'policy/v1')).toBe(true);
  });

  it('gives every container probes on /healthz and /readyz, resources and a non-root, read-only security context', () => {
    for (const deployment of deployments) {
      const name = deployment.metadata.name;
      const pod = deployment.spec.template.spec;
      const [container] = pod.containers;
      const ports = (container.ports as any[]).flatMap((port) => [port.name, port.containerPort]);
      expect({ name, port: container.ports[0].containerPort }).toEqual({ name, port: Number(config.data[portKeys[name]!]) });
      expect({
        name,
        readiness: container.readinessProbe?.httpGet?.path,
        liveness: container.livenessProbe?.httpGet?.path,
      }).toEqual({
        name,
        readiness: '/readyz',
        liveness: '/healthz',
      });
      for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
        expect({ name, probe, onPort: ports.includes(container[probe]?.httpGet?.port) }).toEqual({ name, probe, onPort: true });
      }
      expect({ name, resources: container.resources }).toEqual({
        name,
        resources: { requests: { cpu: expect.anything(), memory: expect.any(String) }, limits: { memory: expect.any(String) } },
      });
      expect({ name, nonRoot: pod.securityContext?.runAsNonRoot, uid: pod.securityContext?.runAsUser }).toEqual({
        name,
        nonRoot: true,
        uid: expect.any(Number),
      });
      expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
      expect({ name, container: container.securityContext }).toEqual({
        name,
        container: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
      });
      expect({ name, command: container.command }).toEqual({ name, command: ['node', `services/${name}/dist/main.js`] });
    }
  });

  it('waits for the shutdown deadline (plus any preStop pause and a margin) before killing a pod', () => {
    const deadlineMs = Number(config.data.SHUTDOWN_TIMEOUT_MS);
    expect(deadlineMs).toBe(25_000);
    for (const deployment of deployments) {
      const name = deployment.metadata.name;
      const pod = deployment.spec.template.spec;
      const preStop = pod.containers[0].lifecycle?.preStop?.exec?.command as string[] | undefined;
      const preStopMs = preStop?.[0] === 'sleep' ? Number(preStop[1]) * 1000 : 0;
      const graceMs = pod.terminationGracePeriodSeconds * 1000;
      expect({ name, covers: graceMs >= deadlineMs + preStopMs + 5_000 }).toEqual({ name, covers: true });
    }
    expect(deployments.find((d) => d.metadata.name === 'ingest-worker').spec.template.spec.terminationGracePeriodSeconds).toBe(
      30,
    );
  });

  it('reads settings from the ConfigMap and secrets from ingestkit-secrets only', () => {
    for (const deployment of deployments) {
      const container = deployment.spec.template.spec.containers[0];
      expect(container.envFrom).toEqual([{ configMapRef: { name: config.metadata.name } }]);
      for (const variable of container.env ?? []) {
        const ref = variable.valueFrom?.secretKeyRef;
        expect({ variable: variable.name, secret: ref?.name, key: ref?.key }).toEqual({
          variable: variable.name,
          secret: 'ingestkit-secrets',
          key: variable.name,
        });
        expect(secretKeys).toContain(variable.name);
        expect(Object.keys(config.data)).not.toContain(variable.name);
      }
    }
    expect(
      containerOf('upload-gateway').env.find((variable: any) => variable.name === 'API_KEYS').valueFrom.secretKeyRef.optional,
    ).not.toBe(true);
    expect(ofKind('Secret')).toEqual([]);
  });

  it('selects real pods from every Deployment, PDB and Service, and annotates pods for Prometheus on their metrics port', () => {
    for (const deployment of deployments) {
      const labels = deployment.spec.template.metadata.labels;
      expect(matches(deployment.spec.selector.matchLabels, labels)).toBe(true);
      expect(labels['app.kubernetes.io/part-of']).toBe('ingestkit');
      const annotations = deployment.spec.template.metadata.annotations;
      expect(annotations['prometheus.io/scrape']).toBe('true');
      expect(Number(annotations['prometheus.io/port'])).toBe(deployment.spec.template.spec.containers[0].ports[0].containerPort);
    }
    const podLabels = deployments.map((deployment) => deployment.spec.template.metadata.labels);
    for (const pdb of ofKind('PodDisruptionBudget')) {
      const selected = podLabels.filter((labels) => matches(pdb.spec.selector.matchLabels, labels));
      expect({ pdb: pdb.metadata.name, selects: selected.map((labels) => labels['app.kubernetes.io/name']) }).toEqual({
        pdb: pdb.metadata.name,
        selects: [pdb.metadata.name],
      });
      expect(pdb.spec.minAvailable ?? pdb.spec.maxUnavailable).toBeDefined();
    }
    for (const service of ofKind('Service')) {
      const target = deployments.find((deployment) => matches(service.spec.selector, deployment.spec.template.metadata.labels));
      expect({ service: service.metadata.name, target: target?.metadata.name }).toEqual({
        service: service.metadata.name,
        target: service.metadata.name,
      });
      const ports = (target.spec.template.spec.containers[0].ports as any[]).flatMap((port) => [port.name, port.containerPort]);
      for (const port of service.spec.ports) expect(ports).toContain(port.targetPort);
    }
  });

  it('scales the ingest worker with KEDA on the wait lists of the queues it consumes, never below one replica', () => {
    const [scaled] = ofKind('ScaledObject');
    const worker = deployments.find((deployment) => deployment.metadata.name === 'ingest-worker');
    expect(scaled.apiVersion).toBe('keda.sh/v1alpha1');
    expect(scaled.spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: worker.metadata.name });
    expect(scaled.metadata.namespace).toBe(worker.metadata.namespace);
    expect(worker.spec.replicas).toBeUndefined();
    expect(scaled.spec.minReplicaCount).toBeGreaterThanOrEqual(1);
    expect(scaled.spec.maxReplicaCount).toBeGreaterThan(scaled.spec.minReplicaCount);
    const prefix = config.data.QUEUE_PREFIX;
    const triggers = scaled.spec.triggers as any[];
    expect(triggers.map((trigger) => trigger.metadata.listName).sort()).toEqual(
      workerQueues.map((queue) => `${prefix}:${queue}:wait`).sort(),
    );
    for (const trigger of triggers) {
      expect(trigger.type).toBe('redis');
      expect(Number(trigger.metadata.listLength)).toBeGreaterThan(0);
      expect(config.data[trigger.metadata.addressFromEnv]).toMatch(/^[\w.-]+:\d+$/);
    }
  });
});

describe('the example overlay', () => {
  const objects = render('deploy/k8s/overlays/example');

  it('puts everything in its namespace and uses a registry image', () => {
    const namespaced = objects.filter((object) => object.kind !== 'Namespace');
    expect(namespaced.every((object) => object.metadata.namespace === 'ingestkit')).toBe(true);
    for (const deployment of objects.filter((object) => object.kind === 'Deployment')) {
      expect(deployment.spec.template.spec.containers[0].image).toBe('registry.example.com/ingestkit:0.1.0');
    }
  });
});
