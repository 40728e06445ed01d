// What the signed-in person may do. The core decides which permissions a role has and
// sends them with the actor; screens ask here instead of comparing role names, so a
// change of who may do what is made once, in Rust. (The core checks every operation
// again: hiding a button is a courtesy, not the protection.)
import type { Actor, Permission } from '../../api';

/** Whether `actor` has `permission`; nobody signed in may do nothing. */
export function can(actor: Actor | null | undefined, permission: Permission): boolean {
  return !!actor && actor.permissions.includes(permission);
}
