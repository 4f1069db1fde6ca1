import { it } from 'vitest';
import { PROFILES } from '../../src/model/profiles.js';
import { formatFinding, fuzz } from './fuzz-engine.js';
import { startReference } from './reference-server.js';
it('scratch', async () => {
  const r0 = await startReference();
  try {
    for (const seed of [509900056, 31, 32, 33, 34, 35]) {
      const r = await fuzz({ servers: [{ name: 'reference', host: r0.host, port: r0.port, profile: PROFILES.reference }], budgetMs: 20000, seed, shrinkBudgetMs: 10000, maxSteps: 32 });
      console.log('ref', seed, JSON.stringify(r.perServer), r.scenarios);
      r.findings.forEach((f, i) => console.log(formatFinding(f, i + 1)));
    }
  } finally { await r0.stop(); }
}, 400000);
