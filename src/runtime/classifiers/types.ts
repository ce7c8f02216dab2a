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
}

export class ClassifierError extends Error {
  readonly code = 'classifier_error';
  constructor(message: string) {
    super(message);
    this.name = 'ClassifierError';
  }
}
