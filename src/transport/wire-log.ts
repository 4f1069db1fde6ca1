/**
 * A wire log: every byte each way, with timing, and the decoded packets. Reports show it per case,
 * and the fixture format (fixtures/README.md) is built from the same entries.
 */
import { describePacket, type Packet } from '../protocol/packet.js';
import { toHex } from '../protocol/hex.js';

type WireDirection = 'send' | 'recv' | 'note';

export interface WireEntry {
  /** Milliseconds since the log started. */
  readonly t: number;
  readonly dir: WireDirection;
  /** Connection label, when a log spans several connections. */
  readonly conn?: string;
  /** Raw bytes as hex (sends and receives). */
  readonly hex?: string;
  /** Decoded packet or line, or a note such as "timeout after 2000 ms". */
  readonly summary?: string;
}

export class WireLog {
  readonly entries: WireEntry[] = [];
  readonly #start: number;
  readonly #maxEntries: number;
  #dropped = 0;

  constructor(start = performance.now(), maxEntries = 5000) {
    this.#start = start;
    this.#maxEntries = maxEntries;
  }

  #add(e: Omit<WireEntry, 't'>): void {
    if (this.entries.length >= this.#maxEntries) {
      this.#dropped++;
      return;
    }
    this.entries.push({ t: Math.round((performance.now() - this.#start) * 10) / 10, ...e });
  }

  bytes(dir: 'send' | 'recv', bytes: Uint8Array, conn?: string, maxHexBytes = 256): void {
    const shown = bytes.length > maxHexBytes ? `${toHex(bytes.subarray(0, maxHexBytes))} … (${bytes.length} bytes)` : toHex(bytes);
    this.#add({ dir, hex: shown, ...(conn ? { conn } : {}) });
  }

  packet(dir: 'send' | 'recv', packet: Packet, conn?: string): void {
    this.#add({ dir, summary: describePacket(packet), ...(conn ? { conn } : {}) });
  }

  text(dir: 'send' | 'recv', line: string, conn?: string): void {
    this.#add({ dir, summary: `TEXT ${JSON.stringify(line)}`, ...(conn ? { conn } : {}) });
  }

  note(summary: string, conn?: string): void {
    this.#add({ dir: 'note', summary, ...(conn ? { conn } : {}) });
  }

  get dropped(): number {
    return this.#dropped;
  }

  /** Human-readable rendering, one entry per line. */
  render(): string {
    const lines = this.entries.map((e) => {
      const arrow = e.dir === 'send' ? '>>' : e.dir === 'recv' ? '<<' : '--';
      const who = e.conn ? `[${e.conn}] ` : '';
      return `${e.t.toFixed(1).padStart(8)}ms ${arrow} ${who}${e.summary ?? ''}${e.hex ? `${e.summary ? '  ' : ''}${e.hex}` : ''}`;
    });
    if (this.#dropped) lines.push(`… ${this.#dropped} more entries not kept`);
    return lines.join('\n');
  }
}
