/**
 * Reading container exits off the engine's events stream: which events end a container, and
 * lines split across chunks. The stream itself meets a real engine in container.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { EventLines, exitOfEvent } from './container-exits.js';

describe('container exits from engine events', () => {
  it('a die event carries the exit code; remove ends the container without one; others are ignored', () => {
    expect(exitOfEvent({ Type: 'container', Action: 'die', Actor: { ID: 'abc', Attributes: { exitCode: '3' } } })).toEqual({ id: 'abc', exit: { code: 3, signal: null } });
    expect(exitOfEvent({ status: 'die', id: 'abc', Actor: { Attributes: { exitCode: '137' } } })).toEqual({ id: 'abc', exit: { code: 137, signal: null } });
    expect(exitOfEvent({ Type: 'container', Action: 'die', Actor: { ID: 'abc', Attributes: {} } })).toEqual({ id: 'abc', exit: { code: null, signal: null } });
    expect(exitOfEvent({ Type: 'container', Action: 'remove', Actor: { ID: 'abc' } })).toEqual({ id: 'abc', exit: { code: null, signal: 'REMOVED' } });
    expect(exitOfEvent({ Type: 'container', Action: 'start', Actor: { ID: 'abc' } })).toBeUndefined();
    expect(exitOfEvent({ Type: 'image', Action: 'remove', Actor: { ID: 'abc' } })).toBeUndefined();
  });

  it('events split across chunks, several in one chunk, and garbage lines', () => {
    const lines = new EventLines();
    const a = JSON.stringify({ Action: 'die', id: 'a' });
    const b = JSON.stringify({ Action: 'die', id: 'b' });
    expect(lines.push(a.slice(0, 5))).toEqual([]);
    expect(lines.push(`${a.slice(5)}\nnot json\n${b}\n`)).toEqual([JSON.parse(a), JSON.parse(b)]);
    expect(lines.push('\n')).toEqual([]);
  });
});
