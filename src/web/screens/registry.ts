/**
 * The screens behind the login, each area in a folder of its own: `src/web/screens/<area>/screen.ts`
 * exports `screen` (its routes, children of the signed-in layout, and its menu entries). Vite finds
 * every such file at build time (import.meta.glob), so an area is added without touching a shared
 * file; each route's component is still loaded lazily.
 */
import type { RouteRecordRaw } from 'vue-router';
import type { Label } from '../i18n';

export type Role = 'applicant' | 'org_dept' | 'reviewer' | 'committee' | 'auditor' | 'admin';

export interface MenuEntry {
  /** The route's name the entry links to. */
  route: string;
  label: Label;
  /** Who sees the entry; omitted: everyone signed in. */
  roles?: readonly Role[];
  /** Lower first; the project list is 10. */
  order: number;
}

export interface Screen {
  routes: RouteRecordRaw[];
  menu: MenuEntry[];
}

const modules = import.meta.glob<{ screen: Screen }>('./*/screen.ts', { eager: true });

export const SCREENS: Screen[] = Object.keys(modules)
  .sort()
  .map((key) => modules[key]!.screen);

export const screenRoutes = (): RouteRecordRaw[] => SCREENS.flatMap((s) => s.routes);

/** The menu entries `role` sees, in order. */
export function menuFor(role: string | undefined): MenuEntry[] {
  return SCREENS.flatMap((s) => s.menu)
    .filter((entry) => !entry.roles || (role !== undefined && entry.roles.includes(role as Role)))
    .sort((a, b) => a.order - b.order);
}
