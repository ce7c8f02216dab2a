import type { Builtin } from './types.js';

export const builtins: Builtin[] = [];
