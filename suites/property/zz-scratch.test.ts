import { it } from 'vitest';
import { PROFILES } from '../../src/model/profiles.js';
import { formatFinding, fuzz } from './fuzz-engine.js';
import { startPerlGearmand } from './local-servers.js';
it('scratch', async () => {
  const p = await startPerlGearmand();
  try {
    for (const seed of [12, 21, 22]) {
        const r = await fuzz({ servers: [{ name: 'perl', host: p.host, port: p.port, profile: PROFILES['perl-gearman-server-1.130'] }], budgetMs: 20000, seed, shrinkBudgetMs: 15000, maxSteps: 40 });
        console.log('perl', JSON.stringify(r.perServer), r.scenarios);
        r.findings.forEach((f, i) => console.log(formatFinding(f, i + 1)));
    }
  } finally { await p.stop(); }
}, 400000);
