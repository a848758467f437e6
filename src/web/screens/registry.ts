/**
 * The screens behind the login, each area in a folder of its own: `src/web/screens/<area>/screen.ts`
 * exports `screen` (its routes, children of the signed-in layout, and its menu entries). Vite finds
 * every such file at build time (import.meta.glob), so an area is added without touching a shared
 * file; each route's component is still loaded lazily.
 */
import type { Component } from 'vue';
import type { RouteRecordRaw } from 'vue-router';
import type { Project } from '../api/client';
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

/**
 * A section an area adds to the project's page, below the letter (the applicant's files and reports,
 * org_dept's reviewers, ...). Its component gets the props `project` (as last read) and `reload`
 * (a function that reads the project again, after the section changed it).
 */
export interface ProjectSection {
  key: string;
  component: () => Promise<Component | { default: Component }>;
  /** Who sees the section; omitted: everyone who may see the project. */
  roles?: readonly Role[];
  /** Whether the section has something to show for this project (omitted: always). */
  when?: (project: Project) => boolean;
  /** Lower first. */
  order: number;
}

export interface Screen {
  routes: RouteRecordRaw[];
  menu: MenuEntry[];
  projectSections?: ProjectSection[];
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

/** The sections of the project's page `role` sees for `project`, in order. */
export function projectSectionsFor(role: string | undefined, project: Project): ProjectSection[] {
  return SCREENS.flatMap((s) => s.projectSections ?? [])
    .filter((section) => !section.roles || (role !== undefined && section.roles.includes(role as Role)))
    .filter((section) => !section.when || section.when(project))
    .sort((a, b) => a.order - b.order);
}
