/**
 * Test-only wire bugs for the reference driver: a relay on 127.0.0.1 between the reference
 * client/worker and the real server that makes the library look broken in one named way. Library
 * certification must catch each one with a named case; run as an external driver:
 *   env GEARSPEC_WIRE_FAULT=res-magic node dist/src/peers/drivers/reference/main.js
 */
import net from 'node:net';
import { T } from '../../../protocol/constants.js';
import { FrameDecoder } from '../../../protocol/decoder.js';
import { encodeFrame } from '../../../protocol/encoder.js';
import { packetSpec, type Magic } from '../../../protocol/constants.js';

export const WIRE_FAULTS = {
  'res-magic': 'every packet the library sends carries \\0RES magic instead of \\0REQ',
  'extra-arg': 'packets without a data part get one argument too many (a NUL and a byte appended)',
  'drop-arg': 'SUBMIT_* lose their unique argument; WORK_COMPLETE loses its data separator',
  'ignore-noop': 'the library never sees NOOP (a worker that ignores wake-ups while sleeping)',
  'split-drop': 'a reply that arrives split across two reads is dropped (a parser that loses split replies)',
  'no-reregister': 'after a reconnect the library does not send CAN_DO or SET_CLIENT_ID again',
} as const;
export type WireFault = keyof typeof WIRE_FAULTS;

export const isWireFault = (v: string): v is WireFault => Object.hasOwn(WIRE_FAULTS, v);

const REREGISTER: readonly number[] = [T.CAN_DO, T.CAN_DO_TIMEOUT, T.SET_CLIENT_ID];
const SUBMITS: readonly number[] = [T.SUBMIT_JOB, T.SUBMIT_JOB_BG, T.SUBMIT_JOB_HIGH, T.SUBMIT_JOB_HIGH_BG, T.SUBMIT_JOB_LOW, T.SUBMIT_JOB_LOW_BG];

/** The library's packet as the fault rewrites it; undefined drops it. */
function mangleUp(fault: WireFault, magic: Magic, type: number, body: Buffer, connection: number): Buffer | undefined {
  switch (fault) {
    case 'res-magic':
      return encodeFrame('RES', type, body);
    case 'extra-arg': {
      const spec = packetSpec(type);
      return encodeFrame(magic, type, spec && !spec.data && spec.args.length > 0 ? Buffer.concat([body, Buffer.from('\0x')]) : body);
    }
    case 'drop-arg': {
      if (SUBMITS.includes(type)) {
        const a = body.indexOf(0);
        const b = a < 0 ? -1 : body.indexOf(0, a + 1);
        if (b > a) return encodeFrame(magic, type, Buffer.concat([body.subarray(0, a + 1), body.subarray(b + 1)]));
      }
      if (type === T.WORK_COMPLETE) {
        const a = body.indexOf(0);
        if (a >= 0) return encodeFrame(magic, type, body.subarray(0, a));
      }
      return encodeFrame(magic, type, body);
    }
    case 'no-reregister':
      return connection > 1 && REREGISTER.includes(type) ? undefined : encodeFrame(magic, type, body);
    case 'ignore-noop':
    case 'split-drop':
      return encodeFrame(magic, type, body);
  }
}

/**
 * Start the relay; resolves to the address the library should use instead of `server`. The relay
 * lives as long as the process (the driver process is the unit that is started and stopped).
 */
export async function startWireFaultRelay(fault: WireFault, server: { host: string; port: number }): Promise<string> {
  let connections = 0;
  const relay = net.createServer((lib) => {
    const n = ++connections;
    const up = net.connect(server.port, server.host);
    const closeBoth = (): void => {
      lib.destroy();
      up.destroy();
    };
    lib.on('error', closeBoth).on('close', closeBoth);
    up.on('error', closeBoth).on('close', closeBoth);
    up.setNoDelay(true);
    lib.setNoDelay(true);
    const upDecoder = new FrameDecoder({
      frame: (magic, type, body) => {
        const out = mangleUp(fault, magic, type, Buffer.from(body), n);
        if (out) up.write(out);
      },
      text: (_line, raw) => up.write(Buffer.concat([raw, Buffer.from('\n')])),
      error: closeBoth,
    });
    lib.on('data', (chunk: Buffer) => upDecoder.push(chunk));
    // Server → library: frames are kept whole, so a fault can look at each; a frame's chunk
    // span is known from its stream offset.
    let chunkStart = 0;
    let chunkEnd = 0;
    const downDecoder = new FrameDecoder({
      frame: (magic, type, body, offset) => {
        if (fault === 'ignore-noop' && type === T.NOOP) return;
        if (fault === 'split-drop' && offset < chunkStart) return;
        lib.write(encodeFrame(magic, type, Buffer.from(body)));
      },
      text: (_line, raw) => lib.write(Buffer.concat([raw, Buffer.from('\n')])),
      error: closeBoth,
    });
    up.on('data', (chunk: Buffer) => {
      chunkStart = chunkEnd;
      chunkEnd += chunk.length;
      downDecoder.push(chunk);
    });
  });
  await new Promise<void>((resolve, reject) => {
    relay.once('error', reject);
    relay.listen(0, '127.0.0.1', () => resolve());
  });
  const addr = relay.address() as net.AddressInfo;
  return `127.0.0.1:${addr.port}`;
}
