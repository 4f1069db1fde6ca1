/**
 * spec §2 (C / Perl columns) and §3.4: which optional packet types and admin commands the
 * server implements. A server answering ERROR "Command not expected" / server_error (or ERR
 * unknown command) for an optional feature is `unsupported`, not failed; no answer at all fails.
 */
import { type CaseDef, pass } from '../../../../src/runner/case-def.js';
import { fail } from '../../../../src/runner/failures.js';
import { FEATURE_NAMES, FEATURES } from '../../../../src/runner/features.js';

export const cases: readonly CaseDef[] = FEATURE_NAMES.map((name) => {
  const spec = FEATURES[name];
  return {
    id: `${spec.kind === 'admin' ? 'admin' : 'binary'}/support/${name
      .replace(/^admin:/, '')
      .toLowerCase()
      .replace(/_/g, '-')}`,
    section: spec.kind === 'admin' ? '3.4' : '2',
    requirement: `${spec.summary} is optional; the server MUST either implement it or reject it with ERROR${spec.kind === 'admin' ? ' (ERR unknown command)' : ''}, never ignore it.`,
    level: 'MUST',
    description: `Sends a harmless ${spec.summary} on a fresh connection and classifies the reply.`,
    outcomes: [
      { outcome: 'pass', when: 'a normal reply (implemented)' },
      { outcome: 'unsupported', when: spec.kind === 'admin' ? 'ERR unknown command' : 'ERROR INVALID_COMMAND / server_error' },
    ],
    async run(ctx) {
      const p = await ctx.connect('probe');
      const got = await spec.probe(p, ctx.fn('support'));
      switch (got) {
        case 'supported':
          return pass('implemented');
        case 'unsupported':
          return { outcome: 'unsupported', detail: `${spec.summary} not implemented` };
        case 'unknown':
          return fail(['a reply or an ERROR'], 'no reply');
      }
    },
  } satisfies CaseDef;
});
