/**
 * Bearer-token authentication and the role check of each route. Routes say who may call them in
 * `config.roles`; routes marked `config.public` need no token.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Role } from '../../machines/project.types.js';
import type { Principal } from '../auth/principal.js';
import { Problem } from '../http/problems.js';
import type { UsersService } from '../users/users.service.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** No token needed. */
    public?: boolean;
    /** The roles that may call the route; omitted: any authenticated user. */
    roles?: readonly Role[];
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

const BEARER = /^Bearer ([A-Za-z0-9._~+/=-]{1,512})$/;

/** The authenticated caller; routes that are not public can rely on it. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Problem('unauthenticated', '需要登录 / Authentication required');
  return request.principal;
}

export default fp(
  async function authPlugin(app: FastifyInstance, options: { users: UsersService }) {
    app.decorateRequest('principal', null);
    app.addHook('onRequest', (request, reply, done) => {
      const config = request.routeOptions.config;
      if (config.public || !request.routeOptions.url) return done();
      const header = request.headers.authorization;
      const match = header ? BEARER.exec(header) : null;
      const principal = match?.[1] ? options.users.authenticate(match[1]) : null;
      if (!principal) {
        reply.header('WWW-Authenticate', 'Bearer realm="lixiang"');
        return done(new Problem('unauthenticated', header ? '令牌无效或已停用 / Unknown, malformed or revoked token' : '缺少 Authorization: Bearer 令牌 / Missing bearer token'));
      }
      request.principal = principal;
      const roles = config.roles;
      if (roles && !roles.includes(principal.role)) {
        return done(
          new Problem('forbidden', `角色 ${principal.role} 无权调用此接口 / Role ${principal.role} may not call this route`, {
            role: principal.role,
            allowedRoles: roles,
          }),
        );
      }
      done();
    });
  },
  { name: 'auth', dependencies: ['errors'] },
);
