// The one door to the Rust core. Components import from here, never from
// `@tauri-apps/*`; the commands and types come generated from Rust (bindings.ts).
import { APPOINTMENT_KINDS, CALL_OUTCOMES, commands, FACE_AREAS, SEARCH_LIMIT, TREATMENT_KINDS } from './bindings';
import type { ApiError } from './bindings';

export type * from './bindings';
export { APPOINTMENT_KINDS, CALL_OUTCOMES, FACE_AREAS, SEARCH_LIMIT, TREATMENT_KINDS };

/** Turns whatever a failed command threw into `{code, message, field?}`. */
export function asApiError(e: unknown): ApiError {
  if (e && typeof e === 'object' && 'code' in e && 'message' in e) {
    const err = e as Partial<ApiError>;
    return {
      code: String(err.code),
      message: String(err.message),
      field: err.field ?? null,
      fieldErrors: err.fieldErrors ?? [],
      duplicates: err.duplicates ?? [],
    };
  }
  return { code: 'internal', message: String(e), field: null, fieldErrors: [], duplicates: [] };
}

let signInLost: () => void = () => {};

/** `f` runs whenever a command is refused because the app locked or nobody is signed in. */
export function onSignInLost(f: () => void) {
  signInLost = f;
}

/** The commands, each reporting a lost sign-in (locked, signed out) to `onSignInLost`. */
export const api = Object.fromEntries(
  Object.entries(commands).map(([name, command]) => [
    name,
    async (...args: unknown[]) => {
      try {
        return await (command as (...a: unknown[]) => Promise<unknown>)(...args);
      } catch (e) {
        const code = asApiError(e).code;
        if (code === 'auth.locked' || code === 'auth.required') signInLost();
        throw e;
      }
    },
  ]),
) as typeof commands;

/** The field errors of a failed command, by field, for `Field`'s `error`. */
export function errorsByField(err: ApiError): Record<string, string> {
  return Object.fromEntries(err.fieldErrors.map((f) => [f.field, f.message]));
}
