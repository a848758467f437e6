/**
 * 系统管理员 (admin): the unit tree, the users (tokens, initial passwords, live sessions), the rounds
 * (create; amend their settings) and the working-day calendar. The API lets org_dept amend a round's
 * settings and set the calendar too (PATCH /rounds/{id}, PUT /calendar/{year}); only the admin
 * creates rounds, units and users.
 */
import type { Screen } from '../registry';
import { S } from './strings';

export const screen: Screen = {
  routes: [
    { path: 'admin/units', name: 'admin-units', component: () => import('./UnitsView.vue') },
    { path: 'admin/users', name: 'admin-users', component: () => import('./UsersView.vue') },
    { path: 'admin/rounds', name: 'admin-rounds', component: () => import('./RoundsView.vue') },
    { path: 'admin/rounds/new', name: 'admin-round-new', component: () => import('./RoundSettingsView.vue') },
    { path: 'admin/rounds/:id/settings', name: 'admin-round-settings', component: () => import('./RoundSettingsView.vue'), props: true },
    { path: 'admin/calendar', name: 'admin-calendar', component: () => import('./CalendarView.vue') },
  ],
  menu: [
    { route: 'admin-units', label: S.menuUnits, roles: ['admin'], order: 60 },
    { route: 'admin-users', label: S.menuUsers, roles: ['admin'], order: 61 },
    { route: 'admin-rounds', label: S.menuRounds, roles: ['admin', 'org_dept'], order: 62 },
    { route: 'admin-calendar', label: S.menuCalendar, roles: ['admin', 'org_dept'], order: 63 },
  ],
};
