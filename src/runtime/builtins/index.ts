import type { Builtin } from './types.js';
import { builtins as aggregates } from './aggregates.js';
import { builtins as arrays } from './arrays.js';
import { builtins as comparison } from './comparison.js';
import { builtins as encoding } from './encoding.js';
import { builtins as guardrail } from './guardrail.js';
import { builtins as numbers } from './numbers.js';
import { builtins as objects } from './objects.js';
import { builtins as regex } from './regex.js';
import { builtins as sets } from './sets.js';
import { builtins as sprintf } from './sprintf.js';
import { builtins as strings } from './strings.js';
import { builtins as time } from './time.js';
import { builtins as types } from './types-check.js';
import { builtins as units } from './units.js';

export type { Builtin, BuiltinContext, BuiltinFn, ArgType } from './types.js';
export { BuiltinError } from './types.js';

/** Every builtin by its dotted name. Operators are builtins too (OPA's names). */
export const BUILTINS: ReadonlyMap<string, Builtin> = new Map(
  [aggregates, arrays, comparison, encoding, guardrail, numbers, objects, regex, sets, sprintf, strings, time, types, units]
    .flat()
    .map((b) => [b.name, b]),
);

export { OPERATORS } from '../../lang/operators.js';
