// For tools that read .ts files only (ESLint's type-aware rules): a .vue import is a component.
// vue-tsc (`npm run typecheck`) reads the .vue files themselves and ignores this.
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent;
  export default component;
}
