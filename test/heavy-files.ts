/**
 * The heavy harnesses: campaigns that attack, fuzz or search at length, and the test that drives a
 * real browser. `npm run test:heavy` runs them (and CI, after `npm test`); `npm test` runs the rest.
 * A file moves here whole, with every assertion it had.
 */
export const HEAVY_FILES = [
  'test/audit/mutations.test.ts', // tampering campaign against the database and the export, through the stand-alone verifier
  'test/audit/parallel-verify.test.ts', // tampering at, before and after every boundary of the workers' ranges
  'test/http/fuzz.test.ts', // 2,600 hostile requests over every route
  'test/panel/assignment.property.test.ts', // automatic assignment over random unit trees, a fresh app per case
  'test/docs/docs-page.test.ts', // /docs in headless Chromium
  'test/web/*.browser.test.ts', // the web application's screens in headless Chromium (builds dist/web when stale)
  'test/http/scale-lists.test.ts', // a project with 10^4 entries paged; 10^5 anonymous POSTs counted in under 1 MB
];
