// The connector list of a process: the shipped list (connectors/index.ts, handed in by the entry
// point) plus modules named in TESSERA_CONNECTOR_MODULES (comma-separated paths or package names,
// each exporting `connectors: Connector[]` or a default Connector), so an installation can add its
// own connectors without changing the shipped list. Every process kind reads the same variable.
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Connector } from './contract.ts';

export const CONNECTOR_MODULES_ENV = 'TESSERA_CONNECTOR_MODULES';

export async function loadConnectors(shipped: readonly Connector[], env: NodeJS.ProcessEnv = process.env): Promise<Connector[]> {
  const extra: Connector[] = [];
  for (const name of (env[CONNECTOR_MODULES_ENV] ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const specifier = name.startsWith('.') || isAbsolute(name) ? pathToFileURL(resolve(name)).href : name;
    const module = (await import(specifier)) as { connectors?: readonly Connector[]; default?: Connector };
    const found = module.connectors ?? (module.default ? [module.default] : []);
    if (found.length === 0) throw new Error(`${CONNECTOR_MODULES_ENV}: ${name} exports neither \`connectors\` nor a default connector`);
    extra.push(...found);
  }
  return [...shipped, ...extra];
}
