// Proves docker-compose.yml is valid for docker-compose (the Debian tool, no engine needed)
// and runs the system as documented: healthchecks and health-gated start order, one image for
// every ingestkit service, Redis durable, MinIO notifying the gateway, Prometheus and Grafana
// provisioned from deploy/, and a Dockerfile whose final stage is production-only and non-root.
import { parse } from 'yaml';
import { readText, readYaml, requireTool, run } from './artefacts';

const secrets = {
  API_KEYS: 'ci-key',
  GATEWAY_SIGNING_SECRET: 'ci-signing-secret-0123456789abcdef0123',
  S3_EVENTS_TOKEN: 'ci-events-token-0123',
};
const compose = (args: string[], env: Record<string, string> = secrets) => {
  const tool = requireTool('docker-compose', 'apt-get install docker-compose');
  const { API_KEYS: _keys, GATEWAY_SIGNING_SECRET: _secret, S3_EVENTS_TOKEN: _token, ...inherited } = process.env;
  return run(tool, ['-f', 'docker-compose.yml', ...args], { env: { ...inherited, ...env } });
};

describe('docker-compose.yml', () => {
  let services: Record<string, any>;

  beforeAll(() => {
    const rendered = compose(['--env-file', 'deploy/compose/emulator.env', '--profile', 'emulator', 'config']);
    if (rendered.status !== 0) throw new Error(`docker-compose config failed:\n${rendered.output}`);
    services = parse(rendered.stdout).services;
  });

  it('passes docker-compose config, and refuses to render without the secrets it needs', () => {
    const valid = compose(['config', '-q']);
    expect({ status: valid.status, output: valid.output }).toEqual({ status: 0, output: '' });
    const missing = compose(['--env-file', 'deploy/compose/emulator.env', 'config', '-q'], {});
    expect(missing.status).not.toBe(0);
    expect(missing.output).toMatch(/API_KEYS|GATEWAY_SIGNING_SECRET|S3_EVENTS_TOKEN/);
  });

  it('runs every ingestkit service, the emulator and the monitoring stack', () => {
    expect(Object.keys(services).sort()).toEqual(
      [
        'grafana',
        'imagekit-emulator',
        'ingest-worker',
        'minio',
        'minio-setup',
        'prometheus',
        'purge-service',
        'redis',
        'upload-gateway',
        'webhook-receiver',
      ].sort(),
    );
  });

  it('gives every long-running service a healthcheck and starts dependents only when dependencies are healthy', () => {
    for (const [name, service] of Object.entries(services)) {
      if (name !== 'minio-setup')
        expect({ name, healthcheck: Array.isArray(service.healthcheck?.test) }).toEqual({ name, healthcheck: true });
      for (const [dependency, { condition }] of Object.entries<any>(service.depends_on ?? {})) {
        const expected = dependency === 'minio-setup' ? 'service_completed_successfully' : 'service_healthy';
        expect({ name, dependency, condition }).toEqual({ name, dependency, condition: expected });
      }
    }
    expect(Object.keys(services['upload-gateway'].depends_on).sort()).toEqual(['minio-setup', 'redis']);
    expect(services.grafana.depends_on).toEqual({ prometheus: { condition: 'service_healthy' } });
  });

  it('builds one image for the services and the emulator, and stops them after their shutdown deadline', () => {
    const ours = ['upload-gateway', 'ingest-worker', 'webhook-receiver', 'purge-service', 'imagekit-emulator'];
    for (const name of ours) {
      expect({ name, image: services[name].image, build: Boolean(services[name].build?.context) }).toEqual({
        name,
        image: 'ingestkit:dev',
        build: true,
      });
    }
    for (const name of ours.slice(0, 4)) {
      const deadlineMs = Number(services[name].environment.SHUTDOWN_TIMEOUT_MS);
      const graceSeconds = Number(/^(\d+)s$/.exec(services[name].stop_grace_period)?.[1]);
      expect({ name, graceMs: graceSeconds * 1000 > deadlineMs }).toEqual({ name, graceMs: true });
    }
    expect(services['ingest-worker'].deploy.replicas).toBeGreaterThanOrEqual(2);
    expect(services['webhook-receiver'].profiles).toEqual(expect.arrayContaining(['imagekit', 'emulator']));
    expect(services['purge-service'].profiles).toEqual(expect.arrayContaining(['imagekit', 'emulator']));
    expect(services['imagekit-emulator'].profiles).toEqual(['emulator']);
    expect(services['upload-gateway'].profiles ?? []).toEqual([]);
  });

  it('runs Redis with AOF and noeviction, and MinIO notifying the gateway of direct uploads', () => {
    expect(services.redis.command.join(' ')).toMatch(/--appendonly yes.*--maxmemory-policy noeviction/);
    const minio = services.minio.environment;
    expect(minio.MINIO_NOTIFY_WEBHOOK_ENDPOINT_INGESTKIT).toBe('http://upload-gateway:8080/v1/events/s3');
    expect(minio.MINIO_NOTIFY_WEBHOOK_AUTH_TOKEN_INGESTKIT).toBe(secrets.S3_EVENTS_TOKEN);
    expect(services['upload-gateway'].environment).toMatchObject(secrets);
    const setup = services['minio-setup'].command.join(' ');
    expect(setup).toContain('mc event add --ignore-existing --event put --prefix staging/ --suffix /original');
    expect(setup).toContain('local/ingestkit-staging arn:minio:sqs::INGESTKIT:webhook');
  });

  it('provisions Prometheus and Grafana from deploy/, scraping each service on its own port', () => {
    // docker-compose v1 renders short strings (source:target:mode), v2 objects.
    const mounts = (name: string) =>
      (services[name].volumes as any[]).map((volume) =>
        typeof volume === 'string' ? volume.replace(/:ro$/, '') : `${volume.source}:${volume.target}`,
      );
    expect(mounts('prometheus')).toContainEqual(expect.stringMatching(/\/deploy\/prometheus:\/etc\/prometheus$/));
    expect(mounts('grafana')).toContainEqual(
      expect.stringMatching(/\/deploy\/grafana\/provisioning:\/etc\/grafana\/provisioning$/),
    );
    expect(mounts('grafana')).toContainEqual(
      expect.stringMatching(/\/deploy\/grafana\/dashboards:\/var\/lib\/grafana\/dashboards\/ingestkit$/),
    );
    const ports: Record<string, string> = {
      'upload-gateway': 'GATEWAY_PORT',
      'ingest-worker': 'WORKER_METRICS_PORT',
      'webhook-receiver': 'WEBHOOK_PORT',
      'purge-service': 'PURGE_METRICS_PORT',
    };
    const scrape = readYaml('deploy/prometheus/prometheus.yml').scrape_configs as any[];
    for (const [name, key] of Object.entries(ports)) {
      const job = scrape.find((config) => config.job_name === name);
      const port = Number(services[name].environment[key] ?? 8080);
      expect({ name, sd: job?.dns_sd_configs }).toEqual({ name, sd: [{ names: [name], type: 'A', port }] });
      expect({ name, auth: job?.authorization }).toEqual({ name, auth: { credentials_file: 'secrets/metrics-token' } });
    }
  });

  it('hands METRICS_TOKEN to the services and, as the scrape bearer, to Prometheus', () => {
    const rendered = compose(['config'], { ...secrets, METRICS_TOKEN: 'a-metrics-token-of-the-operator' });
    expect(rendered.status).toBe(0);
    const withToken = parse(rendered.stdout).services;
    for (const name of ['upload-gateway', 'ingest-worker', 'prometheus']) {
      expect({ name, token: withToken[name].environment.METRICS_TOKEN }).toEqual({
        name,
        token: 'a-metrics-token-of-the-operator',
      });
    }
    const command = [withToken.prometheus.entrypoint, withToken.prometheus.command].flat().join(' ');
    // `config` keeps compose's `$$` escape of the shell variable.
    expect(command).toMatch(/"\$\$?METRICS_TOKEN" > \/etc\/prometheus\/secrets\/metrics-token &&/);
    expect(command).toContain('--config.file=/etc/prometheus/prometheus.yml');
    expect(JSON.stringify(withToken.prometheus.tmpfs)).toContain('/etc/prometheus/secrets');
  });
});

describe('Dockerfile', () => {
  const stages = readText('Dockerfile')
    .split(/^FROM /m)
    .slice(1);
  const final = stages.at(-1)!;

  it('is multi-stage, with a production-only final stage running as a non-root user', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(final).toMatch(/npm ci --omit=dev/);
    expect(final).not.toMatch(/npm ci (?!--omit=dev)/);
    expect(final).toMatch(/^USER (node|\d+)\s*$/m);
    expect(final).not.toMatch(/^USER root/m);
  });
});
