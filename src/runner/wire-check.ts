/**
 * The request-side packet check where gearspec does not play the server (the interop matrix, the
 * property suites): a library's driver talks to the real server through a transparent relay (the
 * recording proxy, keeping nothing), and every packet the library sends is checked against the
 * protocol table as it passes. Violations are named findings for the scenario that saw them.
 */
import type { FixtureRecord } from '../fixtures/format.js';
import { decodeArg } from '../fixtures/record-bytes.js';
import { Recorder } from '../fixtures/recorder.js';
import type { Packet } from '../protocol/packet.js';
import { type Blackhole, blackhole } from './blackhole.js';
import { checkRequestPacket, type RequestSender } from './packet-check.js';

/** Violations in one recorded record sent by the library (c2s); empty for anything else. */
function checkRecord(r: FixtureRecord, sender: RequestSender): string[] {
  if (r.kind === 'packet' && r.dir === 'c2s') {
    const packet: Packet = { magic: r.magic, type: r.type, args: r.args.map(decodeArg) };
    return checkRequestPacket(packet, sender);
  }
  if (r.kind === 'raw' && r.dir === 'c2s') return [`the ${sender} sent bytes that do not decode as a packet${r.note ? ` (${r.note})` : ''}: ${r.hex.slice(0, 64)}`];
  return [];
}

/** Names a violation that is a declared, known library finding (its id), or undefined. */
type DeclaredFinding = (violation: string) => string | undefined;

export class CheckedRelay {
  readonly #recorder: Recorder;
  readonly #violations: string[];
  readonly #declared: Map<string, number>;
  readonly #label: string;
  /** host:port the relay passes the library's connections on to. */
  readonly upstream: string;

  private constructor(recorder: Recorder, upstream: string, label: string, violations: string[], declared: Map<string, number>) {
    this.#recorder = recorder;
    this.upstream = upstream;
    this.#label = label;
    this.#violations = violations;
    this.#declared = declared;
  }

  /**
   * A relay on 127.0.0.1:ephemeral to `upstream` (host:port) for one library of role `sender`.
   * Violations `known` names are counted under that name instead of reported.
   */
  static async start(upstream: string, sender: RequestSender, label: string, known: DeclaredFinding = () => undefined): Promise<CheckedRelay> {
    const i = upstream.lastIndexOf(':');
    const violations: string[] = [];
    const declared = new Map<string, number>();
    const recorder = await Recorder.start({
      listenPort: 0,
      upstream: { host: upstream.slice(0, i), port: Number(upstream.slice(i + 1)) },
      keep: false,
      onRecord: (r) => {
        for (const v of checkRecord(r, sender)) {
          const id = known(v);
          if (id) declared.set(id, (declared.get(id) ?? 0) + 1);
          else if (violations.length < 100) violations.push(`[${label}] ${v}`);
        }
      },
    });
    return new CheckedRelay(recorder, upstream, label, violations, declared);
  }

  /** Declared findings seen so far, by id. */
  get declared(): ReadonlyMap<string, number> {
    return this.#declared;
  }

  /** host:port the library should use. */
  get address(): string {
    return `127.0.0.1:${this.#recorder.port}`;
  }

  get label(): string {
    return this.#label;
  }

  /** Violations seen since the last call (each reported once). */
  take(): string[] {
    return this.#violations.splice(0);
  }

  /** The library stops reading what the server sends, until `holdReplies(false)` (Recorder.holdReplies). */
  holdReplies(on: boolean): void {
    this.#recorder.holdReplies(on);
  }

  /** The library's connections go silent: no packets, no FIN, no RST (Recorder.goSilent). */
  goSilent(): void {
    this.#recorder.goSilent();
  }

  /** Drop every packet of the library's connections to the server, both ways, until `lift`. */
  blackhole(): Blackhole {
    return blackhole(this.#recorder.upstreamPorts());
  }

  /** The server behind the relay stopped for good: later connections are refused (Recorder.upstreamGone). */
  upstreamGone(): void {
    this.#recorder.upstreamGone();
  }

  /** Reset the silent connections towards the server. */
  cutSilent(): void {
    this.#recorder.cutSilent();
  }

  async stop(): Promise<void> {
    await this.#recorder.stop({ description: `request-side check of ${this.#label}`, peers: {} });
  }
}
