// Runs the job server that ships with abraxas 2.1.10 (node_modules/abraxas/server.js), for
// gearspec's server certification and the interop matrix.
//   node abraxas-server.mjs --port N [--host 127.0.0.1]
// Prints "abraxas-server listening on HOST:PORT" on stdout once the port accepts connections;
// SIGTERM or SIGINT closes the listener and exits 0. A listen failure exits 1.
// --port is required and must be non-zero: abraxas replaces a port of 0 with 4730 (server.js:39).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Server } = require('abraxas');
const VERSION = require('abraxas/package.json').version;

function usage(message) {
  process.stderr.write(`abraxas-server: ${message}\nusage: node abraxas-server.mjs --port N [--host 127.0.0.1]\n`);
  process.exit(2);
}

let host = '127.0.0.1';
let port = null;
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const arg = argv[i];
  const [flag, inline] = arg.includes('=') ? arg.split(/=(.*)/s, 2) : [arg, undefined];
  const value = () => inline ?? argv[++i] ?? usage(`${flag} needs a value`);
  if (flag === '--port') port = Number(value());
  else if (flag === '--host') host = value();
  else if (flag === '--help' || flag === '-h') usage('help');
  else usage(`unknown argument ${arg}`);
}
if (!Number.isInteger(port) || port <= 0 || port > 65535) usage('--port N (1-65535) is required');

const server = Server.listen({ host, port }, () => {
  process.stdout.write(`abraxas-server listening on ${host}:${port} (abraxas ${VERSION}, Node ${process.version})\n`);
});
server.on('error', (err) => {
  process.stderr.write(`abraxas-server: ${err?.message ? err.message : err}\n`);
  process.exit(1);
});
server.on('warning', (msg) => process.stderr.write(`abraxas-server warning: ${msg}\n`));

const stop = (signal) => {
  process.stderr.write(`abraxas-server: ${signal}, stopping\n`);
  server.shutdown(); // closes the listener; open connections end with the process
  process.exit(0);
};
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
