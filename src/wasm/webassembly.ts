// The slice of the WebAssembly JS API railgate uses, typed here because the project
// compiles without the DOM library (where TypeScript declares WebAssembly).

export type ExternalKind = 'function' | 'table' | 'memory' | 'global' | 'tag';

export interface ModuleDescriptor {
  module?: string;
  name: string;
  kind: ExternalKind;
}

/** An opaque compiled module (WebAssembly.Module). */
export interface CompiledModule {
  readonly __compiledWasmModule?: never;
}

export interface Memory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

export interface Instance {
  readonly exports: Record<string, unknown>;
}

interface WebAssemblyApi {
  compile(bytes: Uint8Array): Promise<CompiledModule>;
  Module: {
    imports(m: CompiledModule): ModuleDescriptor[];
    exports(m: CompiledModule): ModuleDescriptor[];
  };
}

export const wasmApi: WebAssemblyApi = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

/** An exported global's value (a WebAssembly.Global, or a number on very old engines). */
export function globalValue(g: unknown): number | undefined {
  if (typeof g === 'number') return g;
  if (typeof g === 'object' && g !== null && 'value' in g) {
    const v = (g as { value: unknown }).value;
    return typeof v === 'number' ? v : undefined;
  }
  return undefined;
}
