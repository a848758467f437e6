/** Who is logged in, shared by the screens; loaded once from GET /api/v1/session after a reload. */
import { ref } from 'vue';
import { sessionApi, type Session } from './api/client';

export const session = ref<Session | null>(null);
let loaded: Promise<Session | null> | null = null;

/** The current session, asked of the service once per page load (the cookie is HttpOnly). */
export function loadSession(): Promise<Session | null> {
  loaded ??= sessionApi.current().then(
    (current) => (session.value = current),
    () => (session.value = null),
  );
  return loaded;
}

export function setSession(next: Session | null): void {
  session.value = next;
  loaded = Promise.resolve(next);
}
