/** The route table: method + path pattern → route name and the path's id parameters. */
import { type RouteName } from './types';

interface RouteSpec {
  method: string;
  pattern: RegExp;
  name: RouteName;
}

const ID = '([^/]+)';

const ROUTES: readonly RouteSpec[] = [
  { method: 'POST', pattern: /^\/v1\/files$/, name: 'files.create' },
  { method: 'GET', pattern: /^\/v1\/files$/, name: 'files.list' },
  { method: 'GET', pattern: new RegExp(`^/v1/files/${ID}$`), name: 'files.retrieve' },
  { method: 'GET', pattern: new RegExp(`^/v1/files/${ID}/content$`), name: 'files.content' },
  { method: 'DELETE', pattern: new RegExp(`^/v1/files/${ID}$`), name: 'files.delete' },
  { method: 'POST', pattern: /^\/v1\/batches$/, name: 'batches.create' },
  { method: 'GET', pattern: /^\/v1\/batches$/, name: 'batches.list' },
  { method: 'GET', pattern: new RegExp(`^/v1/batches/${ID}$`), name: 'batches.retrieve' },
  { method: 'POST', pattern: new RegExp(`^/v1/batches/${ID}/cancel$`), name: 'batches.cancel' },
];

export interface RouteMatch {
  name: RouteName;
  params: string[];
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export function matchRoute(method: string, pathname: string): RouteMatch | undefined {
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const match = route.pattern.exec(pathname);
    if (match) return { name: route.name, params: match.slice(1).map(decode) };
  }
  return undefined;
}
