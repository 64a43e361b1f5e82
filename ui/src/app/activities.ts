// Which activity kinds the task views treat as tasks.
import type { Model } from '../../../metadata/model.ts';

/** The kinds that are tasks: a kind named "task" (or "…_task") if the package has one, else every kind. */
export function taskKinds(model: Model): string[] {
  const named = model.activityKinds.filter((k) => k.name === 'task' || k.name.endsWith('_task'));
  return (named.length ? named : model.activityKinds).map((k) => k.name);
}
