import type { Request } from 'express';

interface RouteLayer {
  route?: { _methods(): string[] };
  match(path: string): boolean;
}

/**
 * The methods some route answers for this path (uppercase, HEAD with GET, OPTIONS always), read from
 * Express's router; empty when no route matches the path at all (a real 404).
 */
export function allowedMethods(req: Request): string[] {
  const stack = (req.app as unknown as { router?: { stack?: RouteLayer[] } }).router?.stack ?? [];
  const methods = new Set<string>();
  for (const layer of stack) {
    if (!layer.route || !layer.match(req.path)) continue;
    for (const m of layer.route._methods()) methods.add(m.toUpperCase());
  }
  if (methods.size === 0) return [];
  if (methods.has('GET')) methods.add('HEAD');
  methods.add('OPTIONS');
  const order = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];
  return [...methods].sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99));
}
