import type { CallTerm, ClassifierDecl, MembershipTerm, Term } from '../ast.js';
import { error } from '../diagnostics.js';
import type { CallTarget } from './resolve.js';
import { didYouMean } from './suggest.js';
import type { CheckContext } from './types.js';

// Classifier declarations (names unique across the policy; the pattern/validator rules
// belong to the classifier engine, called through opts.validateClassifier) and uses of
// classifier names in literals, which must name a declared or built-in classifier.

export function checkDeclarations(ctx: CheckContext): void {
  const seen = new Map<string, ClassifierDecl>();
  for (const m of ctx.world.modules) {
    for (const decl of m.classifiers) {
      const first = seen.get(decl.name);
      if (first) {
        ctx.out.push(
          error('classifier_error', `classifier ${decl.name} is already declared at ${first.loc.file}:${first.loc.line}`, decl.loc, {
            hint: 'classifier names are shared by every module of the policy: rename one of them',
          }),
        );
      } else seen.set(decl.name, decl);
      if (ctx.opts.validateClassifier) {
        try {
          ctx.out.push(...ctx.opts.validateClassifier(decl));
        } catch (e) {
          ctx.out.push(error('classifier_error', `classifier ${decl.name} could not be validated: ${(e as Error)?.message ?? String(e)}`, decl.loc));
        }
      }
    }
  }
}

/** Known names, or undefined when the built-in library was not given (the check is off). */
export function knownClassifiers(ctx: CheckContext): Set<string> | undefined {
  if (!ctx.opts.classifierNames) return undefined;
  const names = new Set(ctx.opts.classifierNames);
  for (const m of ctx.world.modules) for (const d of m.classifiers) names.add(d.name);
  return names;
}

/** The argument of each guardrail builtin that holds classifier names. */
const NAME_ARGS: Record<string, number> = { classify: 1, find: 1, redact: 1 };

export function checkClassifierCall(ctx: CheckContext, known: Set<string> | undefined, call: CallTerm, target: CallTarget): void {
  if (!known || target.kind !== 'builtin') return;
  const i = NAME_ARGS[target.name];
  if (i === undefined) return;
  const arg = call.args[i];
  if (!arg) return;
  const items = arg.type === 'array' || arg.type === 'set' ? arg.items : [arg];
  for (const item of items) checkClassifierName(ctx, known, item);
}

/** `"card" in classify(text)`: the member names a classifier. */
export function checkClassifierMembership(ctx: CheckContext, known: Set<string> | undefined, t: MembershipTerm, collectionTarget: CallTarget): void {
  if (!known || t.key || collectionTarget.kind !== 'builtin' || collectionTarget.name !== 'classify') return;
  checkClassifierName(ctx, known, t.value);
}

/** A term that should name a classifier: judged only when it is a string literal. */
export function checkClassifierName(ctx: CheckContext, known: Set<string> | undefined, t: Term): void {
  if (!known || t.type !== 'string' || known.has(t.value)) return;
  const hint = didYouMean(t.value, known);
  ctx.out.push(
    error('classifier_error', `unknown classifier ${JSON.stringify(t.value)}: not declared in the policy nor in the built-in library`, t.loc, {
      hint: hint ?? 'declare it with classifier <name> { … }, or see docs/language.md for the built-in library',
    }),
  );
}
