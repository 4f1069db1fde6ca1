import type { ServerCore } from '../core.js';
import type { ServerConnection } from '../server-connection.js';

/** One packet type's handler: `args` split per the constants table, `body` the whole packet body. */
export type Handler = (core: ServerCore, conn: ServerConnection, args: readonly Buffer[], body: Buffer) => void;
