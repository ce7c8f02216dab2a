import type { Comment } from '../ast.js';

// The line writer behind the formatter. Comments are not part of the AST tree, so
// the printer owns them: it holds every comment in source order and hands each one
// out exactly once, either at the end of the line its source line ended on
// (`x := 1 # why`) or on a line of its own before whatever follows it in the source.
// Because every comment is released in offset order, comment order always survives.

export const MAX_WIDTH = 100;
const TAB_WIDTH = 4;

export interface Snapshot {
  lines: number;
  cur: string;
  indent: number;
  next: number;
  lastLine: number;
}

export class Printer {
  private readonly lines: string[] = [];
  private cur = '';
  private indentLevel = 0;
  private next = 0;
  /** the source line of the last node written, used to attach trailing comments */
  lastLine = 0;
  /** a term to write in brackets the next time it is written (see writeBlock) */
  bracketNext: object | undefined;

  /**
   * `flat` printers measure one-line renderings: they never break and own no comments.
   * `source`, when known, locates the few tokens the AST has no location for.
   */
  constructor(
    private readonly comments: readonly Comment[],
    readonly flat = false,
    readonly source?: string,
  ) {}

  write(text: string): void {
    if (this.cur === '') this.cur = '\t'.repeat(this.indentLevel);
    this.cur += text;
  }

  /** the display column where the next write lands (tabs count as four) */
  column(): number {
    if (this.cur === '') return this.indentLevel * TAB_WIDTH;
    let col = 0;
    for (const ch of this.cur) col += ch === '\t' ? TAB_WIDTH : 1;
    return col;
  }

  indent(): void {
    this.indentLevel++;
  }

  dedent(): void {
    this.indentLevel--;
  }

  /**
   * Ends the current line. A comment that sat on the same source line as the last
   * node written (and before `before`) stays at the end of this line.
   */
  endLine(before: number): void {
    const c = this.comments[this.next];
    if (this.cur !== '' && c && c.loc.offset < before && c.loc.line === this.lastLine) {
      this.cur += ` #${c.text}`;
      this.next++;
    }
    if (this.cur !== '') this.lines.push(this.cur);
    this.cur = '';
  }

  /**
   * Writes every pending comment that starts before `before` on lines of its own at
   * the current indentation. With `prevEnd` >= 0, a blank line in the source before a
   * comment is kept (collapsed to one). Returns the last source line written.
   */
  leading(before: number, prevEnd = -1): number {
    this.endLine(before);
    let last = prevEnd;
    for (let c = this.comments[this.next]; c && c.loc.offset < before; c = this.comments[this.next]) {
      if (last >= 0 && c.loc.line - last > 1) this.blank();
      this.lines.push(`${'\t'.repeat(this.indentLevel)}#${c.text}`);
      this.next++;
      last = Math.max(last, c.loc.line);
    }
    return last;
  }

  blank(): void {
    this.endLine(-1);
    if (this.lines.length > 0 && this.lines[this.lines.length - 1] !== '') this.lines.push('');
  }

  /**
   * True when a comment not yet written starts before `end`: inside a node, or just
   * before it in a spot that could not hold it (an operator, a ref). The node then
   * breaks into lines, so the comment lands inside it the same way on every run.
   */
  hasCommentBefore(end: number): boolean {
    const c = this.comments[this.next];
    return c !== undefined && c.loc.offset < end;
  }

  /** true when a pending comment starts inside [start, end) */
  hasCommentWithin(start: number, end: number): boolean {
    for (let i = this.next; i < this.comments.length; i++) {
      const off = this.comments[i]!.loc.offset;
      if (off >= end) return false;
      if (off >= start) return true;
    }
    return false;
  }

  /** the pending comment after the cursor, if any */
  peekComment(): Comment | undefined {
    return this.comments[this.next];
  }

  /** completed lines so far (the current partial line excluded) */
  lineCount(): number {
    return this.lines.length;
  }

  /** inserts a blank line before completed line `index` */
  insertBlank(index: number): void {
    if (index > 0 && index <= this.lines.length && this.lines[index - 1] !== '') this.lines.splice(index, 0, '');
  }

  currentLine(): string {
    return this.cur;
  }

  snapshot(): Snapshot {
    return { lines: this.lines.length, cur: this.cur, indent: this.indentLevel, next: this.next, lastLine: this.lastLine };
  }

  restore(s: Snapshot): void {
    this.lines.length = s.lines;
    this.cur = s.cur;
    this.indentLevel = s.indent;
    this.next = s.next;
    this.lastLine = s.lastLine;
  }

  /** ends the text: every comment not yet written goes last, in order */
  finish(): string {
    this.leading(Number.POSITIVE_INFINITY, this.lastLine);
    this.endLine(-1);
    while (this.lines.length > 0 && this.lines[this.lines.length - 1] === '') this.lines.pop();
    return `${this.lines.join('\n')}\n`;
  }
}
