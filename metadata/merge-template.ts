// Shared by e-mail templates (connectors/email) and printed document templates (engine/documents).
// A logic-less template language for e-mail templates (mustache-like, never code): `{{path}}` inserts
// a value (HTML-escaped in HTML bodies), `{{#path}}…{{/path}}` shows its content when the value is
// truthy (or once per item of a list, with the item as the context), `{{^path}}…{{/path}}` when it is
// not. Paths are dot-separated names looked up as own properties of plain data only: no prototype,
// no functions, no `__proto__`/`constructor`, so a template cannot reach anything but the data given.
// Strict: a name the data does not have is an error, reported with its position.

export type TemplateProblemCode = 'TEMPLATE_SYNTAX' | 'TEMPLATE_UNKNOWN_FIELD';

export class TemplateProblem extends Error {
  readonly code: TemplateProblemCode;
  /** Character offset in the template. */
  readonly offset: number;
  readonly placeholder: string;
  constructor(code: TemplateProblemCode, message: string, offset: number, placeholder: string) {
    super(message);
    this.name = 'TemplateProblem';
    this.code = code;
    this.offset = offset;
    this.placeholder = placeholder;
  }
}

type Node =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'value'; readonly path: readonly string[]; readonly name: string; readonly offset: number }
  | { readonly kind: 'section'; readonly inverted: boolean; readonly path: readonly string[]; readonly name: string; readonly offset: number; readonly children: readonly Node[] };

export interface CompiledTemplate {
  readonly nodes: readonly Node[];
}

const TAG = /\{\{\s*([#^/]?)\s*([^{}]*?)\s*\}\}/g;
const NAME = /^[\p{L}_][\p{L}\p{N}_]*$/u;
const FORBIDDEN = new Set(['__proto__', 'prototype', 'constructor']);

function parsePath(name: string, offset: number): string[] {
  const path = name === '.' ? [] : name.split('.');
  for (const part of path) {
    if (!NAME.test(part) || FORBIDDEN.has(part)) throw new TemplateProblem('TEMPLATE_SYNTAX', `"{{${name}}}" is not a field path`, offset, name);
  }
  return path;
}

export function compileTemplate(source: string): CompiledTemplate {
  const root: Node[] = [];
  const stack: { name: string; inverted: boolean; offset: number; children: Node[] }[] = [];
  let current = root;
  let last = 0;
  for (const match of source.matchAll(TAG)) {
    const offset = match.index;
    if (offset > last) current.push({ kind: 'text', text: source.slice(last, offset) });
    last = offset + match[0].length;
    const [, sigil, name = ''] = match;
    if (sigil === '#' || sigil === '^') {
      parsePath(name, offset);
      const frame = { name, inverted: sigil === '^', offset, children: [] as Node[] };
      stack.push(frame);
      current = frame.children;
    } else if (sigil === '/') {
      const frame = stack.pop();
      if (!frame || frame.name !== name) throw new TemplateProblem('TEMPLATE_SYNTAX', `"{{/${name}}}" closes ${frame ? `"{{#${frame.name}}}"` : 'no section'}`, offset, name);
      current = stack.at(-1)?.children ?? root;
      current.push({ kind: 'section', inverted: frame.inverted, path: parsePath(frame.name, frame.offset), name: frame.name, offset: frame.offset, children: frame.children });
    } else {
      current.push({ kind: 'value', path: parsePath(name, offset), name, offset });
    }
  }
  if (stack.length) {
    const open = stack.at(-1)!;
    throw new TemplateProblem('TEMPLATE_SYNTAX', `"{{#${open.name}}}" is never closed`, open.offset, open.name);
  }
  if (last < source.length) root.push({ kind: 'text', text: source.slice(last) });
  // Braces left over are a typo ("{{ name }" or "{name}}"): say so rather than send them.
  const stray = root.find((n) => n.kind === 'text' && /\{\{|\}\}/.test(n.text));
  if (stray && stray.kind === 'text') throw new TemplateProblem('TEMPLATE_SYNTAX', 'unbalanced braces', source.indexOf(stray.text), stray.text.slice(0, 40));
  return { nodes: root };
}

/** The first names of every path a template uses (`{{contractor.name}}` → contractor): which related
 * records its data needs embedded. */
export function templateRoots(template: CompiledTemplate): Set<string> {
  const roots = new Set<string>();
  const walk = (nodes: readonly Node[]) => {
    for (const node of nodes) {
      if (node.kind === 'text') continue;
      if (node.path[0]) roots.add(node.path[0]);
      if (node.kind === 'section') walk(node.children);
    }
  };
  walk(template.nodes);
  return roots;
}

const isPlain = (value: unknown): value is Record<string, unknown> => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
};

/** Own data properties only; `found: false` when a name is not there. */
function lookup(stack: readonly unknown[], path: readonly string[]): { found: boolean; value: unknown } {
  if (path.length === 0) return { found: true, value: stack.at(-1) };
  // The first name is looked up from the innermost context outwards (a list item, then the record).
  for (let i = stack.length - 1; i >= 0; i--) {
    const scope = stack[i];
    if (!isPlain(scope) || !Object.hasOwn(scope, path[0]!)) continue;
    let value: unknown = scope[path[0]!];
    for (const part of path.slice(1)) {
      if (value === null || value === undefined) return { found: true, value: null };
      if (!isPlain(value) || !Object.hasOwn(value, part)) return { found: false, value: undefined };
      value = value[part];
    }
    return { found: true, value };
  }
  return { found: false, value: undefined };
}

export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function display(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return value.map(display).join(', ');
  if (isPlain(value)) {
    // A money value, a reference shown by its label.
    if (typeof value.amount === 'string' || typeof value.amount === 'number') return `${String(value.amount)}${typeof value.currency === 'string' ? ` ${value.currency}` : ''}`;
    if (typeof value.label === 'string') return value.label;
    if (typeof value.name === 'string') return value.name;
  }
  return '';
}

const truthy = (value: unknown) => !(value === null || value === undefined || value === false || value === '' || value === 0 || (Array.isArray(value) && value.length === 0));

export interface RenderOptions {
  /** HTML-escape inserted values (HTML bodies). */
  readonly html: boolean;
}

export function renderTemplate(template: CompiledTemplate | string, data: Readonly<Record<string, unknown>>, options: RenderOptions): string {
  const compiled = typeof template === 'string' ? compileTemplate(template) : template;
  const out: string[] = [];
  const walk = (nodes: readonly Node[], stack: readonly unknown[]) => {
    for (const node of nodes) {
      if (node.kind === 'text') {
        out.push(node.text);
        continue;
      }
      const { found, value } = lookup(stack, node.path);
      if (!found) throw new TemplateProblem('TEMPLATE_UNKNOWN_FIELD', `the data has no "${node.name}"`, node.offset, node.name);
      if (node.kind === 'value') {
        const shown = display(value);
        out.push(options.html ? escapeHtml(shown) : shown);
      } else if (node.inverted) {
        if (!truthy(value)) walk(node.children, stack);
      } else if (Array.isArray(value)) {
        for (const item of value) walk(node.children, [...stack, item]);
      } else if (truthy(value)) {
        walk(node.children, isPlain(value) ? [...stack, value] : stack);
      }
    }
  };
  walk(compiled.nodes, [data]);
  return out.join('');
}

/** A template's three parts rendered for one recipient's data. */
export interface RenderedMail {
  readonly subject: string;
  readonly html: string | null;
  readonly text: string;
}

export function renderMail(template: { subject: string; bodyHtml: string | null; bodyText: string | null }, data: Readonly<Record<string, unknown>>): RenderedMail {
  const subject = renderTemplate(template.subject, data, { html: false }).replace(/[\r\n]+/g, ' ').trim();
  const html = template.bodyHtml ? renderTemplate(template.bodyHtml, data, { html: true }) : null;
  const text = template.bodyText ? renderTemplate(template.bodyText, data, { html: false }) : html ? html.replace(/<[^>]*>/g, '').replace(/&#(\d+);/g, (_m, code: string) => String.fromCharCode(Number(code))) : '';
  return { subject, html, text };
}
