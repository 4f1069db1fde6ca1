import { describe, expect, it } from 'vitest';
import { GearspecError } from '../../errors.js';
import { b64, describeDriverEvent, encodeDriverCommand, parseDriverEvent, unb64 } from './protocol.js';

describe('driver protocol', () => {
  it('should round-trip every byte value through base64 payloads', () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    expect(unb64(b64(all)).equals(all)).toBe(true);
    expect(unb64(b64(Buffer.alloc(0))).length).toBe(0);
  });

  it('should parse a valid event and normalise numeric status fields to strings', () => {
    const e = parseDriverEvent('{"event":"status-res","id":"s1","known":1,"running":0,"numerator":3,"denominator":"4"}');
    expect(e).toEqual({ event: 'status-res', id: 's1', known: true, running: false, numerator: '3', denominator: '4' });
  });

  it('should drop a null optional field instead of rejecting the event', () => {
    const e = parseDriverEvent('{"event":"job","handle":"H:x:1","function":"f","payload":"","unique":null}');
    expect(e).toEqual({ event: 'job', handle: 'H:x:1', function: 'f', payload: '' });
  });

  it.each([
    ['not json', 'not JSON'],
    ['[1,2]', 'not an object'],
    ['{"event":"bogus"}', 'unknown event'],
    ['{"event":"created","id":"j1"}', 'lacks handle'],
    ['{"event":"complete","id":"j1","payload":5}', 'should be a string'],
  ])('should reject %s with a typed error', (line, message) => {
    expect(() => parseDriverEvent(line)).toThrow(GearspecError);
    expect(() => parseDriverEvent(line)).toThrow(message);
  });

  it('should encode a command as exactly one JSON line', () => {
    const line = encodeDriverCommand({ op: 'submit', id: 'j1', function: 'f', payload: b64('a\nb') });
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    expect(JSON.parse(line)).toMatchObject({ op: 'submit', id: 'j1' });
  });

  it('should describe binary payloads by length and printable ones by text', () => {
    expect(describeDriverEvent({ event: 'complete', id: 'j', payload: b64('ok') })).toBe('complete(id="j", payload="ok")');
    expect(describeDriverEvent({ event: 'complete', id: 'j', payload: b64(Buffer.from([0, 1])) })).toBe('complete(id="j", payload=<2 bytes>)');
  });
});
