import { ClassifierError, type ClassifierSet, type Match, type PartialScan, type PartialScanOptions } from '../runtime/classifiers/types.js';
import { planRules, replacementFor, type MaskingRule, type RulePlan } from './rules.js';

// Masking a text that arrives in pieces (one text stream of a streamed response),
// with the same result as masking the whole text at once (maskText), whatever the
// pieces: the concatenated output of push(...) and end() is maskText(whole).text.
//
// How. The masker keeps the text it has not released, plus a little before it as
// context (context words, boundaries). Each push scans that text with the classifier
// set's partial scan, which decides every candidate match that no longer depends on
// text to come, and says where the undecided part begins (`pending`): a start whose
// forward match may still grow or is still alive at the end, or a match whose
// checks need text beyond the end. Everything before `pending` is final — exactly
// what a scan of the whole text finds there — so it is spliced and released, and the
// next scan starts at `pending`, with each classifier's search resuming where its
// last match ended. Rescanning from `pending` with the text before it as context,
// rather than from some point inside text already released, is what keeps a later
// scan from finding a different, spurious match there that would hide a real one.
//
// Bounds. What a partial scan leaves undecided starts fewer than
// maxLength + lookaround characters before the end (for the classifiers involved),
// so the masker never withholds more than `holdBack` code units. Prose that cannot
// begin a match (nothing alive at the end) is released at once. The one place where
// the result may differ from maskText keeps that bound: a pattern that can match
// more than its max_length reports a start only once some match from it completes
// (the match is then cut at max_length); a stream cannot wait for ever, so a start
// still incomplete holdBack characters later is masked as if it had completed. A
// stream is thus masked at least as strictly as the whole text, never less.
//
// Cost. Each scan reads the undecided text plus the context before it. While a
// candidate stays undecided for long (a private key block being streamed), scans
// are spaced out — one per quarter of the held text that has arrived — so the work
// per character stays constant; release then lags by at most that quarter, and only
// while more than THROTTLE_FROM characters are held.

/** Held text below which every push scans. */
const THROTTLE_FROM = 512;

type PartialScanner = (text: string, names: readonly string[], opts: PartialScanOptions) => PartialScan;

export interface StreamMaskerOptions {
  /** the JSON path of the text stream, for rules limited to `paths` */
  path?: string;
}

/** Incremental masking of one text stream. */
export class StreamMasker {
  /** the most text (UTF-16 code units) this masker ever withholds */
  readonly holdBack: number;
  private readonly plan: RulePlan;
  private readonly scanPartial: PartialScanner | undefined;
  /** characters of context kept before the undecided text */
  private readonly context: number;
  /** the text from absolute position `base` on */
  private buf = '';
  private base = 0;
  /** code units pushed so far */
  private total = 0;
  /** every candidate match starting before this is decided (absolute) */
  private from = 0;
  /** the output accounts for the input before this (absolute) */
  private emitted = 0;
  /** decided matches not yet spliced (they start at or after `from`), absolute, sorted */
  private carry: Match[] = [];
  /** per classifier: the end of its last decided match (absolute) */
  private readonly resume = new Map<string, number>();
  private lastScan = 0;
  private isBlocked = false;
  private spans = 0;
  private readonly found = new Set<string>();
  private ended = false;

  constructor(rules: readonly MaskingRule[], classifiers: ClassifierSet, opts: StreamMaskerOptions = {}) {
    this.plan = planRules(rules, opts.path);
    let hold = 0;
    let context = 0;
    for (const name of this.plan.names) {
      if (!classifiers.has(name)) throw new ClassifierError(`unknown classifier "${name}"`);
      if (!classifiers.lookaround || !classifiers.scanPartial) throw new ClassifierError('this classifier set cannot scan a stream (no partial scan)');
      const around = classifiers.lookaround(name);
      hold = Math.max(hold, classifiers.maxLength(name) + around);
      context = Math.max(context, around);
    }
    this.holdBack = hold;
    this.context = context;
    this.scanPartial = classifiers.scanPartial?.bind(classifiers);
  }

  /** a blocking rule matched: nothing more is released */
  get blocked(): boolean {
    return this.isBlocked;
  }

  /** number of replaced spans so far */
  get masked(): number {
    return this.spans;
  }

  /** the classifiers that matched so far, sorted */
  get classifiers(): string[] {
    return [...this.found].sort();
  }

  /** code units received and not released yet */
  get withheld(): number {
    return this.total - this.emitted;
  }

  /** Adds text; returns the text that is now safe to release (possibly ''), masked. */
  push(text: string): string {
    if (this.ended) throw new Error('StreamMasker: push after end');
    if (text.length === 0 || this.isBlocked) return '';
    this.buf += text;
    this.total += text.length;
    if (this.plan.names.length === 0) return this.release(this.total);
    const held = this.total - this.from;
    if (held > THROTTLE_FROM && held < this.holdBack && (this.total - this.lastScan) * 4 < held) return '';
    return this.scan(false);
  }

  /** The stream ended: returns the rest, masked ('' once blocked). */
  end(): string {
    if (this.ended) return '';
    const out = this.isBlocked ? '' : this.plan.names.length === 0 ? this.release(this.total) : this.scan(true);
    this.ended = true;
    this.buf = '';
    this.carry = [];
    return out;
  }

  private scan(final: boolean): string {
    this.lastScan = this.total;
    const resume = new Map<string, number>();
    for (const [name, end] of this.resume) resume.set(name, end - this.base);
    const r = this.scanPartial!(this.buf, this.plan.names, { from: this.from - this.base, resume, final });
    if (r.matches.length > 0) {
      for (const m of r.matches) {
        const abs: Match = { classifier: m.classifier, start: m.start + this.base, end: m.end + this.base };
        this.carry.push(abs);
        this.resume.set(m.classifier, Math.max(this.resume.get(m.classifier) ?? 0, abs.end));
      }
      this.carry.sort(byPosition);
    }
    return this.release(final ? this.total : this.base + r.pending);
  }

  /**
   * Splices the decided matches that start before `upTo` and releases the input up to
   * there (or to the end of the last span, if it reaches further); every candidate
   * starting before `upTo` must be decided.
   */
  private release(upTo: number): string {
    this.from = Math.max(this.from, upTo);
    const parts: string[] = [];
    let k = 0;
    const carry = this.carry;
    while (k < carry.length && carry[k]!.start < this.from) {
      const m = carry[k]!;
      if (m.start < this.emitted) {
        // overlaps the span opened last: it only extends it
        this.emitted = Math.max(this.emitted, m.end);
      } else {
        // a new span: its replacement is that of the longest match starting here
        let best = m;
        for (let j = k + 1; j < carry.length && carry[j]!.start === m.start; j++) if (carry[j]!.end > best.end) best = carry[j]!;
        parts.push(this.slice(this.emitted, m.start), replacementFor(this.plan, best.classifier));
        this.spans++;
        this.emitted = m.end;
      }
      this.found.add(m.classifier);
      if (this.plan.blocking.has(m.classifier)) this.isBlocked = true;
      k++;
    }
    if (k > 0) this.carry = carry.slice(k);
    if (this.emitted < this.from) {
      parts.push(this.slice(this.emitted, this.from));
      this.emitted = this.from;
    }
    // keep the context the next scan needs before `from`, and nothing older
    const keep = Math.max(this.base, Math.min(this.emitted, this.from - this.context));
    if (keep > this.base) {
      this.buf = this.buf.slice(keep - this.base);
      this.base = keep;
    }
    if (this.isBlocked) return '';
    return parts.join('');
  }

  private slice(from: number, to: number): string {
    return this.buf.slice(from - this.base, to - this.base);
  }
}

function byPosition(a: Match, b: Match): number {
  return a.start - b.start || a.end - b.end || (a.classifier < b.classifier ? -1 : a.classifier > b.classifier ? 1 : 0);
}
