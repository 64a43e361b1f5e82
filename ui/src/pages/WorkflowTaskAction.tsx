// On an activity's card: when it is an open workflow task, the way to complete it is its process
// form (the same dialog as in "my tasks"), whoever came here — from a notification, a timeline or a
// list. Ordinary activities show nothing (the server answers 404 for them).
import { lazy, Suspense, useState } from 'react';
import type { ApiRecord } from '../api/records.ts';
import { workflowTaskOf } from '../api/workflows.ts';
import { useI18n } from '../app/i18n.tsx';
import { useLoad } from '../components/ui.tsx';

const WorkflowTaskDialog = lazy(() => import('../form/WorkflowTaskDialog.tsx'));

export function WorkflowTaskAction({ activity, onDone }: { activity: ApiRecord; onDone(): void }) {
  const { t } = useI18n();
  const task = useLoad(() => workflowTaskOf(activity.id), [activity.id, activity.version]);
  const [open, setOpen] = useState(false);
  if (activity.status !== 'open' || !task.data || task.data.endedAt !== null) return null;
  return (
    <>
      <button type="button" className="btn btn-primary" onClick={() => setOpen(true)}>
        {t('tasks.openForm')}
      </button>
      {open && (
        <Suspense fallback={null}>
          <WorkflowTaskDialog
            activity={activity}
            onClose={() => setOpen(false)}
            onDone={() => {
              setOpen(false);
              onDone();
            }}
          />
        </Suspense>
      )}
    </>
  );
}
