import { describe, expect, it } from 'vitest';
import { HeavyWorkGate } from './heavy-work.js';

describe('the gate of heavy requests', () => {
  it('admits a caller up to its limit, and the staff and the public each up to their own share', () => {
    const gate = new HeavyWorkGate({ perUser: 2, perAddress: 1, staffTotal: 3, publicTotal: 2 });
    const a1 = gate.tryEnter('user:a', 'staff');
    const a2 = gate.tryEnter('user:a', 'staff');
    expect(typeof a1).toBe('function');
    expect(typeof a2).toBe('function');
    expect(gate.tryEnter('user:a', 'staff')).toBe('caller_busy');
    expect(typeof gate.tryEnter('user:b', 'staff')).toBe('function');
    expect(gate.tryEnter('user:c', 'staff')).toBe('server_busy');
    // The public's share is apart: full staff do not refuse it, and it does not take the staff's.
    const p1 = gate.tryEnter('ip:10.0.0.1', 'public');
    expect(typeof p1).toBe('function');
    // One per address: one address cannot take the public's whole share.
    expect(gate.tryEnter('ip:10.0.0.1', 'public')).toBe('caller_busy');
    expect(typeof gate.tryEnter('ip:10.0.0.2', 'public')).toBe('function');
    expect(gate.tryEnter('ip:10.0.0.3', 'public')).toBe('server_busy');
    expect(gate.inFlight('staff')).toBe(3);
    expect(gate.inFlight('public')).toBe(2);
  });

  it('frees a slot once however often it is released', () => {
    const gate = new HeavyWorkGate({ perUser: 1, perAddress: 1, staffTotal: 1, publicTotal: 1 });
    const release = gate.tryEnter('user:a', 'staff');
    if (typeof release !== 'function') throw new Error('not admitted');
    expect(gate.tryEnter('user:b', 'staff')).toBe('server_busy');
    release();
    release();
    expect(gate.inFlight('staff')).toBe(0);
    const b = gate.tryEnter('user:b', 'staff');
    expect(typeof b).toBe('function');
    // A second release of a's slot must not free b's.
    release();
    expect(gate.tryEnter('user:c', 'staff')).toBe('server_busy');
    expect(gate.tryEnter('user:a', 'staff')).toBe('server_busy');
  });
});
