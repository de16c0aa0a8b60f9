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

/** Anthropic mode's table (`anthropic: true`): Message Batches only. */
export const ANTHROPIC_ROUTES: readonly RouteSpec[] = [
  { method: 'POST', pattern: /^\/v1\/messages\/batches$/, name: 'messages_batches.create' },
  { method: 'GET', pattern: /^\/v1\/messages\/batches$/, name: 'messages_batches.list' },
  { method: 'GET', pattern: new RegExp(`^/v1/messages/batches/${ID}$`), name: 'messages_batches.retrieve' },
  {
    method: 'POST',
    pattern: new RegExp(`^/v1/messages/batches/${ID}/cancel$`),
    name: 'messages_batches.cancel',
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/v1/messages/batches/${ID}/results$`),
    name: 'messages_batches.results',
  },
  { method: 'DELETE', pattern: new RegExp(`^/v1/messages/batches/${ID}$`), name: 'messages_batches.delete' },
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

export function matchRoute(
  method: string,
  pathname: string,
  table: readonly RouteSpec[] = ROUTES,
): RouteMatch | undefined {
  for (const route of table) {
    if (route.method !== method) continue;
    const match = route.pattern.exec(pathname);
    if (match) return { name: route.name, params: match.slice(1).map(decode) };
  }
  return undefined;
}
