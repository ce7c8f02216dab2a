import type { Location, Module, Term } from '../ast.js';
import { error, type Diagnostic } from '../diagnostics.js';
import { checkCall, checkOperator, checkUnary } from './calls.js';
import { checkClassifierCall, checkClassifierMembership, checkDeclarations, knownClassifiers } from './classifiers.js';
import { checkDecisionRule } from './decisions.js';
import { checkImports } from './imports.js';
import { checkRecursion, type DepGraph } from './recursion.js';
import { compareLoc } from './terms.js';
import { checkRef } from './refs.js';
import { dataRefOf, resolveCall, type Scope } from './resolve.js';
import { checkGroup, checkRuleHead } from './rules.js';
import type { CheckContext, CheckOptions } from './types.js';
import { declaredLocals, walkRule } from './walk.js';
import { World, type RuleInfo } from './world.js';

export type { BuiltinSignature, CheckOptions } from './types.js';

/**
 * The static checks of a set of modules, run before compiling: imports, rule heads
 * and conflicting definitions, calls (existence, arity, literal argument types),
 * references through imports, recursion, classifier declarations and names, and the
 * types of decision-document rules. Unsafe variables are the compiler's check.
 *
 * Reports every problem it finds, sorted by file, line and column; never throws (a
 * bug in a check becomes a warning). Choices worth knowing:
 * - conflicting function arities are `conflict` (two definitions disagree); a call
 *   with the wrong number of arguments is `arity_error`;
 * - a name missing below a loaded package is an `undefined_ref` error through an
 *   import alias, but only a warning spelt `data.pkg.x` (data.json may provide x);
 * - unknown classifier names are judged only when `opts.classifierNames` is given.
 */
export function check(modules: Module[], opts: CheckOptions): Diagnostic[] {
  const out: Diagnostic[] = [];
  let ctx: CheckContext;
  try {
    ctx = { world: new World(modules), opts, out };
  } catch (e) {
    return [internal('indexing modules', e)];
  }

  for (const m of modules) guard(ctx, 'imports', () => checkImports(ctx, m));
  guard(ctx, 'classifier declarations', () => checkDeclarations(ctx));
  const known = safe(() => knownClassifiers(ctx));

  const deps: DepGraph = new Map();
  for (const info of ctx.world.rules) {
    const at = info.rule?.loc;
    guard(ctx, 'rule head', () => checkRuleHead(ctx, info), at);
    guard(ctx, 'decision rule', () => checkDecisionRule(ctx, info, known), at);
    guard(ctx, 'rule body', () => checkRuleBody(ctx, info, known, deps), at);
  }
  for (const group of ctx.world.groups.values()) guard(ctx, 'definitions', () => checkGroup(ctx, group));
  guard(ctx, 'recursion', () => checkRecursion(ctx, deps));

  return safe(() => sortDiagnostics(out)) ?? out;
}

/** One walk over a rule: calls, operators, references, and the rules it depends on. */
function checkRuleBody(ctx: CheckContext, info: RuleInfo, known: Set<string> | undefined, deps: DepGraph): void {
  const scope: Scope = { world: ctx.world, module: info.module, pkg: info.pkg, locals: declaredLocals(info.rule) };
  let mine = deps.get(info.groupKey);
  if (!mine) deps.set(info.groupKey, (mine = new Set()));
  const refHeads = new Set<Term>();
  const dependOn = (t: Term): void => {
    const d = dataRefOf(t, scope);
    if (d) for (const g of ctx.world.groupsTouching(d.segs)) mine!.add(g);
  };

  walkRule(info.rule, (t, statement) => {
    switch (t.type) {
      case 'call': {
        const target = checkCall(ctx, scope, t, statement);
        if (target.kind === 'user' || target.kind === 'notfunction') for (const r of target.rules) mine!.add(r.groupKey);
        checkClassifierCall(ctx, known, t, target);
        break;
      }
      case 'binary':
        checkOperator(ctx, scope, t);
        break;
      case 'membership':
        if (known && t.collection.type === 'call') checkClassifierMembership(ctx, known, t, resolveCall(t.collection, scope, ctx.opts.builtins));
        break;
      case 'unary':
        checkUnary(ctx, scope, t);
        break;
      case 'ref':
        refHeads.add(t.head);
        checkRef(ctx, scope, t);
        dependOn(t);
        break;
      case 'var':
        // the head of a ref was already followed with its full path
        if (!refHeads.has(t)) dependOn(t);
        break;
      default:
        break;
    }
  });
}

function sortDiagnostics(diags: Diagnostic[]): Diagnostic[] {
  return diags
    .map((d, i) => ({ d, i }))
    .sort((a, b) => {
      if (!a.d.loc || !b.d.loc) return (a.d.loc ? 0 : 1) - (b.d.loc ? 0 : 1) || a.i - b.i;
      return compareLoc(a.d.loc, b.d.loc) || a.i - b.i;
    })
    .map(({ d }) => d);
}

/** A bug in one check must not hide the others' findings nor crash the caller. */
function guard(ctx: CheckContext, what: string, fn: () => void, loc?: Location): void {
  try {
    fn();
  } catch (e) {
    ctx.out.push(internal(what, e, loc));
  }
}

function safe<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}

/** A warning, not an error: a checker bug must not block a policy the compiler accepts. */
function internal(what: string, e: unknown, loc?: Location): Diagnostic {
  const msg = e instanceof Error ? e.message : String(e);
  const where = loc && typeof loc.line === 'number' ? loc : undefined;
  return { ...error('rule_error', `internal checker error while checking ${what}: ${msg} (please report this)`, where), severity: 'warning' };
}
