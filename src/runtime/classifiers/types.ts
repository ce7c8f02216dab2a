// The contract between the classifier engine and its users (the guardrail builtins,
// the proxy's redaction and stream masking). Positions are UTF-16 indexes into the
// scanned text, end exclusive. A Match never carries the matched text: callers that
// need it slice it themselves, so values cannot leak into errors by accident.

export interface Match {
  classifier: string;
  start: number;
  end: number;
}

export interface ClassifierSet {
  /** true when `name` is declared in the policy or in the built-in library */
  has(name: string): boolean;
  /** every known classifier name, sorted */
  names(): string[];
  /**
   * All validated matches of the named classifiers (all classifiers when omitted),
   * sorted by start then end, non-overlapping per classifier.
   * Throws ClassifierError on an unknown name.
   */
  scan(text: string, names?: readonly string[]): Match[];
  /** longest possible match of a classifier, for stream masking hold-back */
  maxLength(name: string): number;
  /**
   * How many characters on either side of a match the classifier's checks read
   * (boundaries, refinements, context words), for stream masking. The compiled set
   * implements it; a stand-in for tests may leave it out.
   */
  lookaround?(name: string): number;
  /**
   * For stream masking: the decided part of a scan of a text that may still grow (see
   * PartialScan). A stream passes the same `names` array, unmodified, at every call:
   * the set prepares its scan for that array once. The compiled set implements it; a
   * stand-in may leave it out.
   */
  scanPartial?(text: string, names: readonly string[], opts: PartialScanOptions): PartialScan;
}

export interface PartialScanOptions {
  /** only matches starting here or later are looked for; the text before is context */
  from: number;
  /**
   * per classifier: where its next match may start, when its last match before
   * `from` ended after `from` (matches of one classifier do not overlap)
   */
  resume?: ReadonlyMap<string, number>;
  /** the text is complete: nothing is left open */
  final?: boolean;
}

/**
 * What a scan of a growing text can already tell. `matches` are exactly the matches
 * starting in [from, pending) that a scan of the whole text (whatever follows) finds,
 * given enough context before `from` and the right `resume` positions; from
 * `pending` on, the outcome depends on text not seen yet. One exception keeps the
 * wait bounded: a candidate whose match would be cut at its classifier's maxLength
 * and that has not completed (see ClassifierSet.lookaround) counts as a match once
 * maxLength + lookaround characters follow its start, because a scan of the whole
 * text would report it only if the match completed in text that may never come. So a
 * stream is masked at least as strictly as the whole text, never less.
 * Hence `text.length - pending` stays below the largest maxLength + lookaround of the
 * classifiers scanned.
 */
export interface PartialScan {
  matches: Match[];
  pending: number;
}

export class ClassifierError extends Error {
  readonly code = 'classifier_error';
  constructor(message: string) {
    super(message);
    this.name = 'ClassifierError';
  }
}
