import type { RefTerm } from '../ast.js';
import type { Diagnostic } from '../diagnostics.js';
import { dataRefOf, type Scope } from './resolve.js';
import { closest } from './suggest.js';
import { render } from './terms.js';
import type { CheckContext } from './types.js';

// References into loaded packages that name nothing there. `data` also holds base
// documents (data.json), which the checker cannot see, so only a name directly below
// a loaded package is judged, and only when nothing loaded lives at that name.
// Through an import alias it is an error (the alias says "this is that package");
// spelled `data.pkg.x` it is a warning, since data.json may legitimately put x there.

export function checkRef(ctx: CheckContext, scope: Scope, ref: RefTerm): void {
  const d = dataRefOf(ref, scope);
  if (!d || d.via === 'rule') return;
  const pkg = ctx.world.longestPackage(d.segs);
  if (!pkg || pkg.path.length >= d.segs.length) return;
  // the unknown name is part of the import path itself: that is the import's business
  if (pkg.path.length < d.headLen) return;
  const next = d.segs[pkg.path.length]!;
  if (pkg.names.has(next) || ctx.world.hasPackageBelow([...pkg.path, next])) return;

  const el = d.elems[pkg.path.length - d.headLen];
  if (!el || el.type !== 'string') return;
  const shown = render({ ...ref, path: ref.path.slice(0, ref.path.indexOf(el) + 1), dotted: ref.dotted.slice(0, ref.path.indexOf(el) + 1) });
  const candidates = [...pkg.names, ...ctx.world.subPackageNames(pkg.path)];
  const guess = closest(next, candidates);
  const via = d.via === 'alias';
  const diag: Diagnostic = {
    code: 'undefined_ref',
    severity: via ? 'error' : 'warning',
    message: `undefined reference ${shown}: package ${pkg.key} has no rule ${next}${via ? '' : ' (ignore this if data.json provides it)'}`,
    loc: el.loc,
  };
  if (guess) diag.hint = `did you mean ${render({ ...ref, path: ref.path.slice(0, ref.path.indexOf(el)), dotted: ref.dotted.slice(0, ref.path.indexOf(el)) })}.${guess}?`;
  ctx.out.push(diag);
}
