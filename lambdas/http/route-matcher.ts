import { ROUTES, type RouteDefinition } from './routes.js';

/** Result of {@link matchRoute}. */
export type RouteMatch =
  | { kind: 'found'; route: RouteDefinition; pathParameters: Record<string, string> }
  | { kind: 'method-not-allowed'; allow: string[] }
  | { kind: 'not-found' };

/**
 * Decodes a path segment as API Gateway decodes a path parameter; a malformed escape stays as
 * sent, for validation to reject.
 */
export const decodeSegment = (segment: string): string => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};

interface CompiledRoute {
  route: RouteDefinition;
  pattern: RegExp;
  names: string[];
}

const compile = (route: RouteDefinition): CompiledRoute => {
  const names: string[] = [];
  const source = route.path
    .split('/')
    .map((segment) => {
      const param = /^\{([A-Za-z0-9_]+)\}$/.exec(segment);
      if (!param) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(param[1]!);
      return '([^/]+)';
    })
    .join('/');
  return { route, pattern: new RegExp(`^${source}/?$`), names };
};

/**
 * Matches a method and path against a route table the way API Gateway v2 does, and tells a
 * missing route (404) from a wrong method (405, with the allowed methods).
 *
 * @example
 * matchRoute('DELETE', '/health') // { kind: 'method-not-allowed', allow: ['GET'] }
 */
export const createRouteMatcher = (routes: readonly RouteDefinition[]) => {
  const compiled = routes.map(compile);
  return (method: string, path: string): RouteMatch => {
    const allow: string[] = [];
    for (const { route, pattern, names } of compiled) {
      const found = pattern.exec(path);
      if (!found) continue;
      if (route.method !== method) {
        allow.push(route.method);
        continue;
      }
      const pathParameters: Record<string, string> = {};
      names.forEach((name, index) => {
        pathParameters[name] = decodeSegment(found[index + 1]!);
      });
      return { kind: 'found', route, pathParameters };
    }
    return allow.length > 0 ? { kind: 'method-not-allowed', allow } : { kind: 'not-found' };
  };
};

/** {@link createRouteMatcher} over the application's own route table. */
export const matchRoute = createRouteMatcher(ROUTES);
