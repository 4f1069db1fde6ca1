/**
 * One request and its reply on a fresh loopback connection to a queue store (Redis, PostgreSQL):
 * how the stores' readiness probes and resets talk to them, each within a deadline.
 */
import net from 'node:net';
import { SERVER_HOST as HOST } from './port-retry.js';

/** Writes `request`, then reads until `done(reply)` says the reply is whole; rejects on timeout, error or close. */
export function storeExchange(port: number, request: Buffer | string, done: (reply: Buffer) => boolean, what: string, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: HOST, port });
    let got = Buffer.alloc(0);
    const timer = setTimeout(() => finish(new Error(`no answer to ${what}`)), timeoutMs);
    const finish = (error?: Error): void => {
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(got);
    };
    socket.once('connect', () => socket.write(request));
    socket.on('data', (d: Buffer) => {
      got = Buffer.concat([got, d]);
      if (done(got)) finish();
    });
    socket.once('error', (e) => finish(e));
    socket.once('close', () => finish(new Error(`closed before answering ${what}`)));
  });
}
