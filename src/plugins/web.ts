/**
 * The web application at `/`: the Vite build in dist/web (src/web, `npm run build`), served with
 * @fastify/static by the same process, so that people need nothing but a browser on the intranet.
 *
 * - `/` and every unknown path outside the API answer index.html (the application routes in the
 *   browser: /projects/abc is a screen, not a file), with `Cache-Control: no-cache`;
 * - `/assets/*` are the build's hashed files: cached for a year, immutable;
 * - `/api`, `/docs`, `/openapi.json` and `/healthz` are left alone: an unknown API path still
 *   answers the JSON 404 problem;
 * - the page runs under a strict Content-Security-Policy: scripts, styles, fonts and images from
 *   this origin only, nothing inline, no CDN. Not even `style-src 'unsafe-inline'`: Vue and
 *   Element Plus set styles (popup positions, column widths) through the CSSOM, which the policy
 *   does not restrict, and the build has no inline style element (the browser test fails on any
 *   violation, test/web/login.browser.test.ts).
 *
 * Without a build (the tests, a fresh clone before `npm run build`), GET / and the other screens'
 * paths answer a short page in Chinese and English saying how to build it, never a 500.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Problem } from '../http/problems.js';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Paths that belong to the service, never to the web application. */
const SERVICE_PATH = /^\/(?:api|docs|openapi\.json|healthz)(?:[/?#.]|$)/;

/** The router's limit on a path parameter (AppOptions' routerOptions): a longer one is a 414 problem. */
export const MAX_PARAM_LENGTH = 200;
/** The last segment of a path that names a file rather than a screen. */
const FILE_NAME = /\.[A-Za-z0-9]{1,8}$/;
/** A path with a segment that starts with a dot (.build-stamp, .git): never a screen. */
const HIDDEN = /(?:^|\/)\./;
/** A `..` segment, plain or percent-encoded: never followed. */
const DOT_SEGMENT = /(?:^|\/)(?:\.|%2e){2}(?:\/|$)/i;
const ASSET_MAX_AGE_MS = 365 * 24 * 3600 * 1000;

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><title>立项 · 网页界面尚未构建 / Web application not built</title></head>
<body>
<h1>网页界面尚未构建 / The web application is not built</h1>
<p>请在项目目录运行 <code>npm run build</code>，然后重新启动服务（<code>npm start</code> 会自动构建）。</p>
<p>Run <code>npm run build</code> in the project directory, then restart the service (<code>npm start</code> builds it for you).</p>
<p>接口文档 / API documentation: <a href="/docs">/docs</a></p>
</body>
</html>
`;

/** dist/web of the repository this module runs from (src/ under tsx, dist/src/ once compiled), if it was built. */
export function defaultWebRoot(from: string = import.meta.url): string | null {
  let dir = path.dirname(fileURLToPath(from));
  for (;;) {
    const candidate = path.join(dir, 'dist', 'web');
    if (fs.existsSync(path.join(candidate, 'index.html'))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

export interface WebOptions {
  /** The built application (dist/web); null: none, and the page that says how to build it. */
  root: string | null;
}

export async function webRoutes(app: FastifyInstance, options: WebOptions): Promise<void> {
  const root = options.root && fs.existsSync(path.join(options.root, 'index.html')) ? path.resolve(options.root) : null;
  // The build's top-level files other than index.html (favicon and the like), served as they are.
  const topLevel = new Set(root ? fs.readdirSync(root).filter((name) => name !== 'index.html' && !name.startsWith('.') && fs.statSync(path.join(root, name)).isFile()) : []);
  // preCompressed: the build writes .br and .gz beside each script and stylesheet (src/cli/build.mjs),
  // answered to browsers that accept them; nothing is compressed per request.
  if (root) await app.register(fastifyStatic, { root, serve: false, dotfiles: 'deny', preCompressed: true });

  const route = { config: { public: true }, schema: { hide: true } } as const;

  // The service's security headers (src/plugins/limits.ts) are set on every response in an onSend
  // hook of the root; this context's hook runs after it, so the application's stricter policy wins.
  // Pages only: a 404 problem answered from here (an unknown API path) keeps the service's headers.
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (String(reply.getHeader('content-type') ?? '').startsWith('text/html')) reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
    done(null, payload);
  });

  const page = (reply: FastifyReply) => {
    reply.header('Cache-Control', 'no-cache');
    if (!root) return reply.type('text/html; charset=utf-8').send(NOT_BUILT_PAGE);
    return reply.sendFile('index.html', { cacheControl: false });
  };

  app.get('/', route, async (_request, reply) => page(reply));
  app.get('/*', route, async (request, reply) => {
    const url = request.url;
    if (SERVICE_PATH.test(url)) {
      // The router gives this catch-all a path whose parameter is over the limit, which an API
      // route would have refused with 414: refuse it alike.
      const segments = url.split('?')[0]!.split('/');
      if (segments.some((segment) => segment.length > MAX_PARAM_LENGTH)) throw new Problem('uri-too-long', '路径参数过长 / A path parameter is longer than the service accepts');
      return reply.callNotFound();
    }
    const rest = (request.params as { '*': string })['*'];
    if (HIDDEN.test(rest) || DOT_SEGMENT.test(rest)) return reply.callNotFound();
    if (rest.startsWith('assets/')) {
      if (!root) return reply.callNotFound();
      return reply.sendFile(rest, { maxAge: ASSET_MAX_AGE_MS, immutable: true });
    }
    if (root && topLevel.has(rest)) return reply.sendFile(rest, { maxAge: 3600 * 1000 });
    // A file the build does not have (/favicon.ico, /robots.txt) is a 404; any other path is a screen.
    if (FILE_NAME.test(rest)) return reply.callNotFound();
    return page(reply);
  });
}
