import type { Import, Module } from '../ast.js';
import { error } from '../diagnostics.js';
import type { CheckContext } from './types.js';
import { importName } from './world.js';

// Imports: where they may point, which names they may bind, and that two imports
// (or an import and a rule) do not claim the same name.

const FUTURE_KEYWORDS = new Set(['in', 'every', 'if', 'contains']);
const ROOTS = new Set(['data', 'input', 'future', 'rego']);

export function checkImports(ctx: CheckContext, m: Module): void {
  const bound = new Map<string, Import>();
  const pkg = ctx.world.packageOf(m);
  for (const imp of m.imports) {
    const text = imp.path.join('.');
    const root = imp.path[0] ?? '';
    if (!ROOTS.has(root)) {
      ctx.out.push(
        error('import_error', `invalid import ${text}: an import path must start with data, input, future or rego`, imp.loc, {
          hint: `write import data.${text}`,
        }),
      );
      continue;
    }
    if (root === 'future') {
      checkFuture(ctx, imp, text);
      continue;
    }
    if (root === 'rego') {
      if (text !== 'rego.v1') {
        ctx.out.push(error('import_error', `unsupported import ${text}: only rego.v1 is accepted (as a no-op)`, imp.loc));
      } else if (imp.alias) {
        ctx.out.push(error('import_error', 'import rego.v1 cannot be aliased', imp.loc, { hint: 'write import rego.v1' }));
      }
      continue;
    }
    if (imp.alias === 'input' || imp.alias === 'data') {
      ctx.out.push(
        error('import_error', `import alias ${imp.alias} would shadow the root document ${imp.alias}`, imp.loc, {
          hint: `choose another alias: import ${text} as ${imp.path[imp.path.length - 1] === imp.alias ? `${imp.alias}_doc` : imp.path[imp.path.length - 1]}`,
        }),
      );
      continue;
    }
    const name = importName(imp);
    if (name === undefined) continue;
    const earlier = bound.get(name);
    if (earlier) {
      const same = earlier.path.join('.') === text;
      ctx.out.push(
        error(
          'import_error',
          same
            ? `duplicate import ${text} (already imported at line ${earlier.loc.line})`
            : `import ${text} binds ${name}, already bound by import ${earlier.path.join('.')} at line ${earlier.loc.line}`,
          imp.loc,
          same ? { hint: 'remove this import' } : { hint: `give one of them another name: import ${text} as other_${name}` },
        ),
      );
      continue;
    }
    bound.set(name, imp);
    if (pkg.names.has(name)) {
      const rule = pkg.rules.find((r) => r.rule.head.name === name)!;
      ctx.out.push(
        error(
          'import_error',
          `import ${text} binds ${name}, which shadows the rule ${name} (${rule.module.file}:${rule.rule.loc.line})`,
          imp.loc,
          { hint: `import it under another name: import ${text} as ${name}_doc` },
        ),
      );
    }
  }
}

function checkFuture(ctx: CheckContext, imp: Import, text: string): void {
  const [, second, kw, ...rest] = imp.path;
  const ok = second === 'keywords' && rest.length === 0 && (kw === undefined || FUTURE_KEYWORDS.has(kw));
  if (!ok) {
    ctx.out.push(
      error('import_error', `unknown future import ${text}`, imp.loc, {
        hint: `future.keywords offers ${[...FUTURE_KEYWORDS].join(', ')}; in Rego v1 they are always on, so the import can be removed`,
      }),
    );
  } else if (imp.alias) {
    ctx.out.push(error('import_error', `future imports cannot be aliased: ${text} as ${imp.alias}`, imp.loc, { hint: `write import ${text}` }));
  }
}
