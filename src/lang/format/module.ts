import type { ClassifierDecl, Import, Module, Rule } from '../ast.js';
import { Printer } from './printer.js';
import { writeClassifier, writeImport, writeRule } from './rules.js';
import { pathText } from './terms.js';

// The canonical text of a module (`railgate fmt`), in the style of `opa fmt`:
// - tabs; `package`, a blank line, the imports in source order (never reordered, so
//   nothing that depends on their order can change), a blank line, then rules and
//   classifier declarations in source order;
// - one blank line around every statement that spans several lines; single-line
//   statements that were adjacent in the source stay grouped; runs of blank lines
//   collapse to one;
// - every comment is kept, in order: a comment at the end of a line stays at the end
//   of the line its neighbour is printed on, any other comment goes on a line of its
//   own before what followed it in the source;
// - bodies one literal per line; `p if x` stays on one line when written so (see
//   writeRule); collections, calls and comprehensions break one item per line when
//   written so or wider than 100 columns (see terms.ts); a second `with` goes on its
//   own line when written so;
// - brackets only where the grammar needs them (precedence, `|` in a first item,
//   `k, v in xs` outside a statement, a body line that would start with `-`);
// - strings in JSON escaping, raw strings and numbers exactly as written;
// - layout choices that depend on the source are read from node locations, and the
//   output reproduces the same choice, so formatting is idempotent.

type Item = { kind: 'import'; node: Import } | { kind: 'rule'; node: Rule } | { kind: 'classifier'; node: ClassifierDecl };

/**
 * The canonical text of a parsed module. The layout is computed from node and comment
 * locations; with the `source` text, a comment after a `}` that an `else` follows
 * stays after that brace instead of moving inside the body.
 */
export function format(module: Module, source?: string): string {
  const comments = [...module.comments].sort((a, b) => a.loc.offset - b.loc.offset);
  const p = new Printer(comments, false, source);

  const headEnd = p.leading(module.packageLoc.offset, -1);
  if (headEnd >= 0 && module.packageLoc.line - headEnd > 1) p.blank();
  p.write(`package ${pathText(module.package)}`);
  p.lastLine = module.packageLoc.endLine;

  const items: Item[] = [
    ...module.imports.map((node): Item => ({ kind: 'import', node })),
    ...module.rules.map((node): Item => ({ kind: 'rule', node })),
    ...module.classifiers.map((node): Item => ({ kind: 'classifier', node })),
  ].sort((a, b) => a.node.loc.offset - b.node.loc.offset);

  let prevEnd = module.packageLoc.endLine;
  let prevKind: Item['kind'] | 'package' = 'package';
  let prevMulti = false;
  for (const item of items) {
    const start = item.node.loc;
    p.endLine(start.offset);
    const groupStart = p.lineCount();
    const firstComment = p.peekComment();
    const firstLine = firstComment && firstComment.loc.offset < start.offset ? firstComment.loc.line : start.line;
    const commentEnd = p.leading(start.offset, -1);
    if (commentEnd >= 0 && start.line - commentEnd > 1) p.blank();
    const itemStart = p.lineCount();
    if (item.kind === 'import') writeImport(p, item.node);
    else if (item.kind === 'rule') writeRule(p, item.node);
    else writeClassifier(p, item.node);
    const multi = p.lineCount() > itemStart;
    const kindChange = prevKind === 'package' || (prevKind === 'import') !== (item.kind === 'import');
    if (kindChange || firstLine - prevEnd > 1 || prevMulti || multi) p.insertBlank(groupStart);
    prevEnd = start.endLine;
    prevKind = item.kind;
    prevMulti = multi;
  }

  // comments after the last statement
  p.endLine(Number.POSITIVE_INFINITY);
  const rest = p.peekComment();
  if (rest && (prevKind === 'package' || rest.loc.line - prevEnd > 1 || prevMulti)) p.blank();
  return p.finish();
}
