/**
 * The screens. Only the login screen is in the first chunks a visitor loads; everything behind the
 * login is a lazily loaded chunk (route-level code splitting keeps the login page light).
 */
import { createRouter, createWebHistory } from 'vue-router';
import { whenSessionLost } from './api/client';
import { menuFor, screenRoutes } from './screens/registry';
import { loadSession, session, setSession } from './session';

declare module 'vue-router' {
  interface RouteMeta {
    public?: boolean;
  }
}

export const router = createRouter({
  history: createWebHistory('/'),
  routes: [
    { path: '/login', name: 'login', component: () => import('./views/LoginView.vue'), meta: { public: true } },
    { path: '/password', name: 'password', component: () => import('./views/LoginView.vue'), props: { changePassword: true } },
    {
      path: '/',
      component: () => import('./views/LayoutView.vue'),
      children: [
        // Each person starts at the first entry of their menu (the administrator has no project list).
        { path: '', name: 'home', component: { render: () => null } },
        // Every area's screens (src/web/screens/*/screen.ts).
        ...screenRoutes(),
      ],
    },
    { path: '/:rest(.*)*', redirect: { name: 'home' } },
  ],
});

router.beforeEach(async (to) => {
  // The screen's code loads while the session is asked for, not after: a first visit waits for the longer of the two.
  for (const record of to.matched) {
    const component = record.components?.default;
    if (typeof component === 'function') void (component as () => Promise<unknown>)().catch(() => undefined);
  }
  const current = await loadSession();
  if (to.meta.public) return current && !current.mustChangePassword ? { name: 'home' } : true;
  if (!current) return { name: 'login', query: to.fullPath === '/' ? {} : { next: to.fullPath } };
  if (current.mustChangePassword && to.name !== 'password') return { name: 'password' };
  if (to.name === 'home') return { name: menuFor(current.user.role)[0]?.route ?? 'projects' };
  return true;
});

// A session that expired or was revoked while a screen was open: back to the login, then back here.
whenSessionLost((reason) => {
  const here = router.currentRoute.value;
  if (reason === 'unauthenticated') {
    setSession(null);
    if (!here.meta.public) void router.push({ name: 'login', query: { next: here.fullPath } });
  } else if (session.value) {
    setSession({ ...session.value, mustChangePassword: true });
    void router.push({ name: 'password' });
  }
});
