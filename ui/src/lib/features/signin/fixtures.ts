// Test data: signed-in people of each role, with the permissions the core gives that
// role (the core decides them; this copy is for component tests only, never for screens).
import type { Actor, Permission, Role } from '../../api';

const ROLE_PERMISSIONS: Record<Role, Permission[]> = {
  admin: ['demographics', 'clinicalRead', 'stock', 'manageProducts', 'printHandouts', 'readLibrary', 'writeLibrary', 'manageUsers', 'manageSettings', 'viewAudit'],
  injector: ['demographics', 'clinicalRead', 'clinicalWrite', 'stock', 'printHandouts', 'readLibrary', 'writeLibrary'],
  receptionist: ['demographics', 'printHandouts', 'readLibrary'],
};

/** A signed-in person of `role`, as the core would send them. */
export function actor(role: Role, extra: Partial<Actor> = {}): Actor {
  return { userId: 1, username: role, displayName: `Sam ${role}`, role, permissions: [...ROLE_PERMISSIONS[role]], ...extra };
}
