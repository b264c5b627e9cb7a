// The chaos suite: each scenario starts a whole deployment (every service its own process, its
// own redis-server with AOF, the ImageKit emulator), ingests images while it breaks things, then
// audits what was accepted against what exists. CHAOS_PROFILE=short (npm test) or full
// (npm run test:chaos). The report of the run is written to chaos/.runs/<time>/report.md.
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Asset } from '@ingestkit/contracts';
import { audit, formatAudit } from './harness/audit';
import { Cluster } from './harness/cluster';
import { AnswerLog, type ProfileName, type Scenario, type ScenarioContext } from './harness/scenario';
import { scenarios } from './scenarios';

const profile: ProfileName = process.env.CHAOS_PROFILE === 'full' ? 'full' : 'short';
const only = process.env.CHAOS_ONLY;
const runDir = join(__dirname, '../.runs', new Date().toISOString().replaceAll(':', '-'));
const report = join(runDir, 'report.md');

jest.setTimeout(profile === 'full' ? 20 * 60_000 : 6 * 60_000);

beforeAll(() => {
  mkdirSync(runDir, { recursive: true });
  writeFileSync(report, `# chaos run, profile ${profile}, ${new Date().toISOString()}\n\n`);
});

describe(`chaos (${profile})`, () => {
  for (const scenario of scenarios.filter((candidate) => !only || candidate.name.includes(only))) {
    it(scenario.name, () => runScenario(scenario));
  }
});

async function runScenario(scenario: Scenario): Promise<void> {
  const dir = join(runDir, scenario.name.replace(/[^a-z0-9]+/gi, '-'));
  const started = Date.now();
  const cluster = await Cluster.start({
    dir,
    workers: scenario.workers ?? 2,
    stallMs: profile === 'full' ? 10_000 : 5_000,
    stagingOrphanAfterSeconds: 5,
    ...(scenario.env ? { env: scenario.env } : {}),
  });
  const context: ScenarioContext = { cluster, profile, answers: new AnswerLog(), accepted: new Map<string, Asset>(), notes: [] };
  try {
    const expectations = { ...(await scenario.run(context)), failuresAllowed: scenario.failuresAllowed ?? [] };
    const result = await audit(cluster, context.accepted, context.answers, expectations);
    const seconds = Math.round((Date.now() - started) / 1000);
    const answers = [...context.answers.counts].map(([answer, n]) => `${n}× ${answer}`).join(', ');
    const text = [
      formatAudit(`${scenario.name} (${context.accepted.size} assets accepted, ${seconds} s)`, result),
      ...context.notes.map((note) => `  - ${note}`),
      `  - answers the clients saw: ${answers}`,
    ].join('\n');
    appendFileSync(report, `\`\`\`\n${text}\n\`\`\`\n\n`);
    process.stdout.write(`\n${text}\n`);
    const failures = result.rows.filter((row) => !row.ok);
    expect(failures).toEqual([]);
  } catch (err) {
    const logs = cluster
      .services()
      .map((service) => `--- ${service.name} (logs in ${dir})\n${service.tail(15)}`)
      .join('\n');
    process.stdout.write(`\n${scenario.name} failed; last log lines:\n${logs}\n`);
    throw err;
  } finally {
    await cluster.close();
  }
}
