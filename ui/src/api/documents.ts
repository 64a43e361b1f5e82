// Printing records to PDF with the document templates of their type (docs/api.md, Printouts).
import type { ApiRecord } from './records.ts';
import { api, API_BASE } from './client.ts';

/** The PDF's address: the browser opens it (the session cookie authorises a GET). */
export const printUrl = (type: string, id: string, template: string, language: string): string =>
  `${API_BASE}/records/${encodeURIComponent(type)}/${encodeURIComponent(id)}/print/${encodeURIComponent(template)}?lang=${encodeURIComponent(language)}`;

export interface AttachedPrintout {
  readonly file: { readonly id: string; readonly name: string; readonly mediaType: string; readonly size: number };
  readonly record: ApiRecord;
}

/** Prints the record and stores the PDF in the template's attachment field. */
export async function attachPrintout(type: string, id: string, template: string, language: string): Promise<AttachedPrintout> {
  const path = printUrl(type, id, template, language).slice(API_BASE.length).replace('?', '/attach?');
  return (await api.post<AttachedPrintout>(path)).data;
}

/** A serial printout: many records of a type with one template in one PDF, with a subject and text given now. */
export async function printMany(type: string, template: string, request: { ids: readonly string[]; lang: string; subject?: string; body?: string }): Promise<Blob> {
  return (await api.post<Blob>(`/records/${encodeURIComponent(type)}/print/${encodeURIComponent(template)}`, request, { binary: true })).data;
}
