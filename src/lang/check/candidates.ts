import type { Scope } from './resolve.js';
import type { CheckContext } from './types.js';
import { closest } from './suggest.js';
import { displayPath } from './terms.js';

// Names a call could have meant, spelled the way the caller would write them:
// builtins, same-package functions, `alias.f` through the module's imports, and
// `data.pkg.f` for every loaded function.

export function suggestFunctions(ctx: CheckContext, scope: Scope, name: string): string | undefined {
  const names = new Set<string>(ctx.opts.builtins.keys());
  const aliases = [...ctx.world.aliases(scope.module)].filter(([, imp]) => imp.path[0] === 'data');
  for (const r of ctx.world.rules) {
    if (r.shape.kind !== 'function') continue;
    names.add(`data.${r.full.join('.')}`);
    if (r.pkg === scope.pkg) names.add(displayPath(r.shape.path));
    for (const [alias, imp] of aliases) {
      const base = imp.path.slice(1);
      if (base.length <= r.full.length && base.every((s, i) => r.full[i] === s)) {
        names.add([alias, ...r.full.slice(base.length)].join('.'));
      }
    }
  }
  return closest(name, names);
}
