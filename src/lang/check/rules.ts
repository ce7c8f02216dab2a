import type { Location } from '../ast.js';
import { error } from '../diagnostics.js';
import { compareLoc, constantKey, displayPath, isConstant, isV0PartialSet, KIND_NAMES, pathElement, render } from './terms.js';
import type { CheckContext } from './types.js';
import type { RuleInfo } from './world.js';

// Rule heads that are well-formed one by one, and definitions of one path that agree
// with each other: one kind, one arity, at most one default, no two different
// constant values for a complete rule.

export function checkRuleHead(ctx: CheckContext, info: RuleInfo): void {
  const { rule, shape } = info;
  const h = rule.head;
  const name = displayPath(shape.path);
  const push = (msg: string, loc: Location, hint?: string): void => {
    ctx.out.push(error('rule_error', msg, loc, hint ? { hint } : undefined));
  };

  if (h.name === 'input' || h.name === 'data') {
    push(`a rule cannot be named ${h.name}: it would shadow the root document`, h.loc, `rename the rule, e.g. ${h.name}_doc`);
  }
  if (h.key && h.value) {
    push(`rule ${name} has both contains and a value: a partial set rule adds its key with contains, without := or =`, h.value.loc, `write ${name} contains ${render(h.key)} if { … }`);
  }
  if (h.args && h.key) {
    push(`function ${name} cannot use contains: a function returns one value`, h.key.loc, `write ${name}(${h.args.map((a) => render(a)).join(', ')}) := ${render(h.key)} if { … }`);
  }
  // a partial set in Rego v0 and an error in v1 (OPA says the same)
  if (isV0PartialSet(h)) {
    push('the contains keyword is required for partial set rules', h.loc, `write ${h.name} contains ${render(h.ref[0]!)} if { … }`);
  }
  if (rule.elses.length > 0 && (shape.kind === 'set' || shape.kind === 'object')) {
    push(`else cannot follow ${KIND_NAMES[shape.kind]}: only complete rules and functions have a single value to fall back on`, rule.elses[0]!.loc);
  }
  if (/^test_/.test(h.name) && h.ref.length === 0 && h.args) {
    push(`test rule ${h.name} cannot take arguments`, h.loc, `write ${h.name} if { … }, or rename the function so it does not start with test_`);
  }
  if (rule.isDefault) checkDefault(info, push);
}

function checkDefault(info: RuleInfo, push: (msg: string, loc: Location, hint?: string) => void): void {
  const { rule, shape } = info;
  const h = rule.head;
  const name = displayPath(shape.path);
  if (shape.kind === 'set') {
    push(`default cannot be used with a partial set rule (${name} contains …): an undefined partial set is already empty`, h.loc);
    return;
  }
  if (!shape.ground) {
    push(`default rule ${name} must have a constant path; [${render(h.ref.find((t) => pathElement(t) === undefined)!)}] is not a constant`, h.loc);
    return;
  }
  if (rule.hasBody || rule.body.length > 0) {
    push(`default rule ${name} cannot have a body`, h.loc, `write default ${name} := <value> without if`);
  }
  if (rule.elses.length > 0) push(`default rule ${name} cannot have else`, rule.elses[0]!.loc);
  if (h.value && !isConstant(h.value)) {
    push(`default value of ${name} must be a constant, not ${render(h.value)}`, h.value.loc, 'use a literal value (number, string, boolean, null, or an array/object/set of those)');
  }
}

/** All rules of one path under data, in source order. */
export function checkGroup(ctx: CheckContext, group: RuleInfo[]): void {
  const first = group[0]!;
  const name = displayPath(first.shape.path);
  const where = (r: RuleInfo): string => `${r.module.file}:${r.rule.loc.line}`;

  // one kind per path
  const firstKind = first.shape.kind;
  for (const r of group) {
    if (r.shape.kind !== firstKind) {
      ctx.out.push(
        error('conflict', `conflicting rules: ${name} is ${KIND_NAMES[r.shape.kind]} here but ${KIND_NAMES[firstKind]} at ${where(first)}`, r.rule.head.loc, {
          hint: 'give the rules different names, or write every definition the same way',
        }),
      );
    }
  }

  // one arity per function
  const fns = group.filter((r) => r.shape.kind === 'function');
  const arity = fns[0]?.rule.head.args?.length;
  for (const r of fns) {
    const n = r.rule.head.args!.length;
    if (n !== arity) {
      ctx.out.push(
        error('conflict', `conflicting definitions: function ${name} takes ${plural(n, 'argument')} here but ${plural(arity!, 'argument')} at ${where(fns[0]!)}`, r.rule.head.loc, {
          hint: 'every definition of a function must take the same number of arguments',
        }),
      );
    }
  }

  // a complete rule is one value: nothing can be defined inside it
  if (firstKind === 'complete' && first.shape.ground) {
    const below = ctx.world.groupsBelow(first.full).map((k) => ctx.world.groups.get(k)![0]!);
    if (below.length > 0) {
      const inner = below.sort((a, b) => compareLoc(a.rule.head.loc, b.rule.head.loc))[0]!;
      const innerName = inner.pkg === first.pkg ? displayPath(inner.shape.path) : `data.${inner.full.join('.')}`;
      ctx.out.push(
        error('conflict', `conflicting rules: ${innerName} is defined inside ${name}, which is a complete rule (${where(first)})`, inner.rule.head.loc, {
          hint: `make ${name} a partial object (${name}[key] := value) or move one of them to another name`,
        }),
      );
    }
  }

  // at most one default
  const defaults = group.filter((r) => r.rule.isDefault);
  for (const r of defaults.slice(1)) {
    ctx.out.push(error('conflict', `multiple default rules for ${name} (first at ${where(defaults[0]!)})`, r.rule.head.loc, { hint: 'keep one default' }));
  }

  // complete rules without bodies: p := 1 and p := 2 always both apply. A warning, not
  // an error: OPA compiles this and fails at evaluation (eval_conflict_error), and the
  // evaluator does the same; `railgate check` still points at it before it ships.
  const constants = group.filter(
    (r) => r.shape.kind === 'complete' && !r.rule.isDefault && !r.rule.hasBody && r.rule.body.length === 0 && r.rule.elses.length === 0 && (!r.rule.head.value || isConstant(r.rule.head.value)),
  );
  const c0 = constants[0];
  if (c0) {
    const k0 = c0.rule.head.value ? constantKey(c0.rule.head.value) : 'true';
    for (const r of constants.slice(1)) {
      const k = r.rule.head.value ? constantKey(r.rule.head.value) : 'true';
      if (k !== k0) {
        const v = r.rule.head.value;
        ctx.out.push(
          error('conflict', `conflicting values for ${name}: ${v ? render(v) : 'true'} here and ${c0.rule.head.value ? render(c0.rule.head.value) : 'true'} at ${where(c0)}; evaluating ${name} will fail with a conflict`, (v ?? r.rule.head).loc, {
            severity: 'warning',
            hint: `make one of them conditional (${name} := … if { … }) or use default ${name} := … for the fallback`,
          }),
        );
      }
    }
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
