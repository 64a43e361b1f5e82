// Completing a workflow user task: its Camunda form (GET /api/activities/:id/task, turned into our
// schema form by forms/camunda-form.ts) in a dialog; the data goes to POST /api/activities/:id/
// complete, where the engine checks it again and moves the instance on. A task without a form is
// completed with a confirmation.
import { useEffect, useMemo, useState } from 'react';
import Form from '@rjsf/core';
import type { ErrorSchema } from '@rjsf/utils';
import { camundaTaskForm, pointerField, type TaskForm } from '../../../forms/index.ts';
import { ApiError } from '../api/client.ts';
import type { ApiRecord } from '../api/records.ts';
import { activityTask, completeWorkflowTask } from '../api/workflows.ts';
import { useI18n } from '../app/i18n.tsx';
import { ErrorBox, Modal, Spinner } from '../components/ui.tsx';
import { EMPTY_SET, type FormContext } from './context.ts';
import { formKit, wordErrors } from './kit.ts';

export default function WorkflowTaskDialog({ activity, onClose, onDone }: { activity: ApiRecord; onClose(): void; onDone(): void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [form, setForm] = useState<TaskForm | null | undefined>(undefined);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [data, setData] = useState<Record<string, unknown>>({});
  const [problem, setProblem] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const context: FormContext = useMemo(() => ({ i18n, hidden: EMPTY_SET, required: EMPTY_SET }), [i18n]);

  useEffect(() => {
    activityTask(activity.id).then((task) => setForm(task.form ? camundaTaskForm(task.form, i18n.language) : null), setLoadError);
  }, [activity.id, i18n.language]);

  const extraErrors = useMemo(() => {
    const schema: Record<string, { __errors: string[] }> = {};
    for (const p of problem?.problem.errors ?? []) {
      const { field } = pointerField(p.pointer);
      if (field) (schema[field] ??= { __errors: [] }).__errors.push(p.detail);
    }
    return schema as ErrorSchema;
  }, [problem]);

  const complete = async (values: Record<string, unknown>) => {
    setBusy(true);
    try {
      await completeWorkflowTask(activity.id, values);
      onDone();
    } catch (e) {
      setProblem(e instanceof ApiError ? e : new ApiError({ status: 0, detail: String(e) }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      title={String(activity.subject)}
      wide
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" form="workflow-task-form" className="btn btn-primary" disabled={busy || form === undefined} onClick={form === null ? () => void complete({}) : undefined}>
            {t('tasks.complete')}
          </button>
        </>
      }
    >
      {loadError ? <ErrorBox error={loadError} /> : null}
      {form === undefined && !loadError && <Spinner />}
      {problem && <div className="form-banner" role="alert">{problem.problem.detail ?? problem.message}</div>}
      {form === null && <div className="muted">{t('tasks.noForm')}</div>}
      {form && (
        <Form
          id="workflow-task-form"
          schema={form.schema}
          uiSchema={form.uiSchema}
          formData={data}
          {...formKit}
          formContext={context}
          transformErrors={wordErrors(i18n.language)}
          extraErrors={extraErrors}
          onChange={(e) => setData((e.formData ?? {}) as Record<string, unknown>)}
          onSubmit={(e) => void complete((e.formData ?? {}) as Record<string, unknown>)}
        />
      )}
    </Modal>
  );
}
