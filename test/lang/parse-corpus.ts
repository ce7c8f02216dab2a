// The OPA conformance modules, queries and input terms, as a corpus for parser tests.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export interface CorpusModule {
  note: string;
  text: string;
}

export const corpusDir =
  process.env.RAILGATE_CONFORMANCE_DIR ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/opa-conformance');

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? yamlFiles(p) : p.endsWith('.yaml') ? [p] : [];
  });
}

interface Case {
  note?: string;
  modules?: string[];
  query?: string;
  input_term?: string;
}

let cache: { modules: CorpusModule[]; queries: CorpusModule[]; terms: CorpusModule[] } | undefined;

export function corpus(): { modules: CorpusModule[]; queries: CorpusModule[]; terms: CorpusModule[] } {
  if (cache) return cache;
  const modules: CorpusModule[] = [];
  const queries: CorpusModule[] = [];
  const terms: CorpusModule[] = [];
  if (existsSync(corpusDir)) {
    for (const file of yamlFiles(corpusDir).sort()) {
      const doc = parse(readFileSync(file, 'utf8')) as { cases?: Case[] } | null;
      for (const c of doc?.cases ?? []) {
        const note = c.note ?? path.basename(file);
        (c.modules ?? []).forEach((text, i) => modules.push({ note: `${note}#${i}`, text }));
        if (c.query) queries.push({ note, text: c.query });
        if (c.input_term) terms.push({ note, text: c.input_term });
      }
    }
  }
  cache = { modules, queries, terms };
  return cache;
}
