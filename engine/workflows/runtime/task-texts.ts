// The words of a workflow task's activity, in the language of whoever it goes to: its subject (the
// element's `name:<lang>` property, else the BPMN name) with the record it is about, and a
// description for people (the element's `description:<lang>`, the record, the groups that named no
// team). No ids or form keys: the web app finds the task's process and form through the API.
import { isUuid } from '../../../metadata/index.ts';
import type { CreateUserTask } from './user-tasks.ts';

export type TaskLanguage = 'pl' | 'en' | 'ro';

export const TASK_LANGUAGES: readonly TaskLanguage[] = ['pl', 'en', 'ro'];

export const isTaskLanguage = (value: unknown): value is TaskLanguage => typeof value === 'string' && (TASK_LANGUAGES as readonly string[]).includes(value);

const WORDS: Record<TaskLanguage, { readonly task: string; readonly about: string; readonly groups: string; readonly quote: readonly [string, string] }> = {
  pl: { task: 'Zadanie z procesu.', about: 'Dotyczy', groups: 'Grupy', quote: ['„', '”'] },
  en: { task: 'A workflow task.', about: 'About', groups: 'Groups', quote: ['“', '”'] },
  ro: { task: 'Sarcină din flux.', about: 'Privește', groups: 'Grupuri', quote: ['„', '”'] },
};

/** The record a task is about, as people name it: the entity type's label and the record's title. */
export interface TaskRecordName {
  readonly label: string;
  readonly title: string | null;
}

/** Subject and description of a task's activity in a language. Pure. */
export function taskTexts(task: Pick<CreateUserTask, 'name' | 'elementId' | 'texts' | 'candidateGroups'>, language: TaskLanguage, record: TaskRecordName | null, unmatchedGroups: readonly string[]): { subject: string; description: string } {
  const words = WORDS[language];
  const name = task.texts[`name:${language}`] ?? task.texts['name:en'] ?? task.name ?? task.elementId;
  const subject = (record?.title ? `${name}: ${record.title}` : name).slice(0, 300);
  const lines = [task.texts[`description:${language}`] ?? words.task];
  if (record) lines.push(`${words.about}: ${record.label}${record.title ? ` ${words.quote[0]}${record.title}${words.quote[1]}` : ''}`);
  const groups = unmatchedGroups.filter((g) => !isUuid(g));
  if (groups.length > 0) lines.push(`${words.groups}: ${groups.join(', ')}`);
  return { subject, description: lines.join('\n') };
}
