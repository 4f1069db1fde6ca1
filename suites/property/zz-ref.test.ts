import { it } from 'vitest';
import { PROFILES } from '../../src/model/profiles.js';
import { formatFinding, fuzz } from './fuzz-engine.js';
import { startReference } from './reference-server.js';
it('ref', async () => {
  const r0 = await startReference();
  try {
    for (const seed of [42, 43, 44, 45, 46, 47]) {
      const r = await fuzz({ servers: [{ name: 'reference', host: r0.host, port: r0.port, profile: PROFILES.reference }], budgetMs: 20000, seed, shrinkBudgetMs: 10000, timeoutMs: 10000, maxSteps: 32 });
      console.log('ref', seed, JSON.stringify(r.perServer));
      r.findings.forEach((f, i) => console.log(formatFinding(f, i + 1)));
    }
  } finally { await r0.stop(); }
}, 600000);
