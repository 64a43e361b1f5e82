// Which activity kinds the task views treat as tasks, and which tasks are mine.
import type { Model } from '../../../metadata/browser.ts';

/**
 * My tasks, in the API's filter language (`$me`, `$myTeams`: the signed-in user and their teams):
 * assigned to me, or to no one yet in the queue of one of my teams (which I may take).
 */
export const MY_TASKS = { or: [{ assignee: { eq: '$me' } }, { assignee: { isNull: true }, team: { in: '$myTeams' } }] } as const;

/** The kinds that are tasks: a kind named "task" (or "…_task") if the package has one, else every kind. */
export function taskKinds(model: Model): string[] {
  const named = model.activityKinds.filter((k) => k.name === 'task' || k.name.endsWith('_task'));
  return (named.length ? named : model.activityKinds).map((k) => k.name);
}
