// The one place that touches bpmn-moddle's loosely typed objects: parsing plus narrow accessors, so the
// rest of the runtime reads plain typed values and never an `any`.
import { createRequire } from 'node:module';
// @ts-expect-error bpmn-moddle 10 ships no declaration for its root entry point
import { BpmnModdle } from 'bpmn-moddle';
import { bpmnText, positionIn, type BpmnTextProblemCode, type TextPosition } from './bpmn-text.ts';

/** A moddle element as we read it: a `$type` plus properties of unknown shape. */
export interface ModdleElement {
  readonly $type: string;
  readonly [property: string]: unknown;
}

/** A parse error or warning: where it is, by element or by position in the file (whole-file problems). */
export interface XmlNote {
  readonly message: string;
  readonly code?: BpmnTextProblemCode;
  readonly elementId?: string;
  readonly elementType?: string;
  readonly line?: number;
  readonly column?: number;
}

export type ParsedXml =
  /** `xml`: the decoded text (declaring UTF-8), as it is stored; `root`: where the root element starts. */
  | { readonly ok: true; readonly definitions: ModdleElement; readonly warnings: readonly XmlNote[]; readonly xml: string; readonly root: TextPosition }
  | ({ readonly ok: false } & XmlNote);

interface ModdleWarning {
  readonly message: string;
  readonly element?: unknown;
}

interface ModdleParser {
  fromXML(xml: string): Promise<{ rootElement: unknown; warnings: readonly ModdleWarning[] }>;
  toXML(element: unknown, options: { format: boolean }): Promise<{ xml: string }>;
}

const require = createRequire(import.meta.url);
const zeebeSchema: unknown = require('zeebe-bpmn-moddle/resources/zeebe.json');
const parser = new (BpmnModdle as new (packages: Record<string, unknown>) => ModdleParser)({ zeebe: zeebeSchema });

/** moddle's "unparsable content <x> detected\n\tline: 0\n\tcolumn: 8\n\tnested error: unclosed tag" as a note (lines and columns from 1). */
function noteOf(text: string, element?: unknown): XmlNote {
  const [first = text, ...rest] = text.split('\n');
  const field = (name: string) => rest.map((l) => l.trim()).find((l) => l.startsWith(`${name}:`))?.slice(name.length + 1).trim();
  const line = Number(field('line'));
  const column = Number(field('column'));
  const nested = field('nested error');
  const id = isModdleElement(element) ? stringProp(element, 'id') : null;
  return {
    message: nested ? `${first}: ${nested}` : first,
    ...(id && isModdleElement(element) ? { elementId: id, elementType: element.$type } : {}),
    ...(field('line') !== undefined && Number.isInteger(line) && Number.isInteger(column) ? { line: line + 1, column: column + 1 } : {}),
  };
}

/** Parses a BPMN 2.0 file (bytes in the encoding it declares, or text) with the Zeebe extension; malformed XML is a value, not an exception. */
export async function parseBpmnXml(source: string | Uint8Array): Promise<ParsedXml> {
  const text = bpmnText(source);
  if (!text.ok) return { ok: false, code: text.code, message: text.message, line: text.line, column: text.column };
  try {
    const result = await parser.fromXML(text.xml);
    if (!isModdleElement(result.rootElement) || result.rootElement.$type !== 'bpmn:Definitions') {
      return { ok: false, message: 'the document root is not bpmn:definitions', ...positionIn(text.xml, rootIndex(text.xml)) };
    }
    return { ok: true, definitions: result.rootElement, warnings: result.warnings.map((w) => noteOf(w.message, w.element)), xml: text.xml, root: positionIn(text.xml, rootIndex(text.xml)) };
  } catch (error) {
    return { ok: false, ...noteOf(error instanceof Error ? error.message : String(error)) };
  }
}

/** Where the first element starts (after the declaration and comments). */
function rootIndex(xml: string): number {
  return Math.max(xml.search(/<(?![?!])/), 0);
}

/** One element (a process, a message…) as unformatted XML: what deployments compare to detect a changed process. */
export async function serializeElement(element: ModdleElement): Promise<string> {
  return (await parser.toXML(element, { format: false })).xml;
}

export function isModdleElement(value: unknown): value is ModdleElement {
  return typeof value === 'object' && value !== null && typeof (value as { $type?: unknown }).$type === 'string';
}

export function elementId(element: ModdleElement): string {
  return stringProp(element, 'id') ?? '';
}

export function stringProp(element: ModdleElement, property: string): string | null {
  const value = element[property];
  return typeof value === 'string' ? value : null;
}

export function booleanProp(element: ModdleElement, property: string, fallback: boolean): boolean {
  const value = element[property];
  return typeof value === 'boolean' ? value : fallback;
}

export function elementProp(element: ModdleElement, property: string): ModdleElement | null {
  const value = element[property];
  return isModdleElement(value) ? value : null;
}

export function listProp(element: ModdleElement, property: string): readonly ModdleElement[] {
  const value = element[property];
  return Array.isArray(value) ? value.filter(isModdleElement) : [];
}

/** Text of a `bpmn:FormalExpression` child (conditions, timer values), trimmed. */
export function expressionBody(element: ModdleElement, property: string): string | null {
  const expression = elementProp(element, property);
  const body = expression ? stringProp(expression, 'body') : null;
  return body === null ? null : body.trim();
}

/** All children of `extensionElements`, including foreign ones moddle keeps untyped. */
export function extensionElements(element: ModdleElement): readonly ModdleElement[] {
  const container = elementProp(element, 'extensionElements');
  return container ? listProp(container, 'values') : [];
}

export function zeebeExtension(element: ModdleElement, type: string): ModdleElement | null {
  return extensionElements(element).find((e) => e.$type === type) ?? null;
}

export function isA(element: ModdleElement, ...types: readonly string[]): boolean {
  return types.includes(element.$type);
}

/** Elements of a process or sub-process in document order. */
export function flowElementsOf(container: ModdleElement): readonly ModdleElement[] {
  return listProp(container, 'flowElements');
}

/** The executable processes of a definitions element (a pool marked isExecutable="false" is documentation). */
export function executableProcesses(definitions: ModdleElement): readonly ModdleElement[] {
  return listProp(definitions, 'rootElements').filter((e) => e.$type === 'bpmn:Process' && booleanProp(e, 'isExecutable', true));
}

export function eventDefinitionsOf(event: ModdleElement): readonly ModdleElement[] {
  return listProp(event, 'eventDefinitions');
}

export function referencedId(element: ModdleElement, property: string): string | null {
  const target = elementProp(element, property);
  return target ? elementId(target) : null;
}
