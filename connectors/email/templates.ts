// Templates are records of `email_template`, the store e-mail and SMS share (connectors/message-
// templates.ts): one per (code, language). Rendering a template for a record gives it the record's
// fields and its referenced records (`{{contractor.name}}`), read with the rights of whoever renders it.
import { type MessageTemplate, checkTemplate, findTemplate, mergeSmsText, templateData } from '../message-templates.ts';
import { renderMail, type RenderedMail } from './template-render.ts';

export type MailTemplate = MessageTemplate;
export { checkTemplate, findTemplate, templateData };

/** The mail of a template, and its SMS text where it has one (the preview shows both channels). */
export function renderFor(template: MailTemplate, data: Record<string, unknown>): RenderedMail & { sms?: string } {
  const mail = renderMail(template, data);
  return template.smsText ? { ...mail, sms: mergeSmsText(template.smsText, data) } : mail;
}
