// The one door to the Rust core. Components import from here, never from
// `@tauri-apps/api`; the commands and types come generated from Rust (bindings.ts).
import { commands, SEARCH_LIMIT } from './bindings';
import type { ApiError } from './bindings';

export type * from './bindings';
export const api = commands;
export { SEARCH_LIMIT };

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
