import { describe, expect, it } from 'vitest';
import { actor } from './fixtures';
import { can } from './permissions';

describe('can', () => {
  it('goes by the permissions the core sent, not by the role name', () => {
    expect(can(actor('injector'), 'clinicalWrite')).toBe(true);
    expect(can(actor('admin'), 'clinicalWrite')).toBe(false);
    expect(can(actor('admin'), 'manageUsers')).toBe(true);
    expect(can(actor('receptionist'), 'readLibrary')).toBe(true);
    expect(can(actor('receptionist'), 'clinicalRead')).toBe(false);
    // A permission granted to a role is honoured whatever the role is called.
    expect(can(actor('receptionist', { permissions: ['stock'] }), 'stock')).toBe(true);
    expect(can(actor('admin', { permissions: [] }), 'manageUsers')).toBe(false);
  });

  it('allows nothing when nobody is signed in', () => {
    expect(can(null, 'readLibrary')).toBe(false);
    expect(can(undefined, 'readLibrary')).toBe(false);
  });
});
