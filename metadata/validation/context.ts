// What the semantic checks of a package share: the package, the problems found, and how one is reported.
import { pointer as ptr, type MetadataError, type MetadataErrorCode } from '../errors.ts';
import { type MetadataPackage } from '../package.ts';


export interface Ctx {
  readonly pkg: MetadataPackage;
  readonly errors: MetadataError[];
  readonly entityNames: ReadonlySet<string>;
}

export function report(ctx: Ctx, code: MetadataErrorCode, id: string, path: readonly (string | number)[], message: string): void {
  ctx.errors.push({ code, file: ctx.pkg.fileOf.get(id) ?? '', pointer: ptr(...path), message });
}
