// The one place that touches bpmn-moddle's loosely typed objects: parsing plus narrow accessors, so the
// rest of the runtime reads plain typed values and never an `any`.
import { createRequire } from 'node:module';
// @ts-expect-error bpmn-moddle 10 ships no declaration for its root entry point
import { BpmnModdle } from 'bpmn-moddle';

/** A moddle element as we read it: a `$type` plus properties of unknown shape. */
export interface ModdleElement {
  readonly $type: string;
  readonly [property: string]: unknown;
}

export type ParsedXml =
  | { readonly ok: true; readonly definitions: ModdleElement; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly message: string };

interface ModdleParser {
  fromXML(xml: string): Promise<{ rootElement: unknown; warnings: readonly { message: string }[] }>;
  toXML(element: unknown, options: { format: boolean }): Promise<{ xml: string }>;
}

const require = createRequire(import.meta.url);
const zeebeSchema: unknown = require('zeebe-bpmn-moddle/resources/zeebe.json');
const parser = new (BpmnModdle as new (packages: Record<string, unknown>) => ModdleParser)({ zeebe: zeebeSchema });

/** Parses BPMN 2.0 XML with the Zeebe extension; malformed XML is a value, not an exception. */
export async function parseBpmnXml(xml: string): Promise<ParsedXml> {
  try {
    const result = await parser.fromXML(xml);
    if (!isModdleElement(result.rootElement) || result.rootElement.$type !== 'bpmn:Definitions') {
      return { ok: false, message: 'the document root is not bpmn:definitions' };
    }
    return { ok: true, definitions: result.rootElement, warnings: result.warnings.map((w) => w.message.split('\n')[0] ?? w.message) };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message.split('\n')[0] ?? error.message : String(error) };
  }
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
