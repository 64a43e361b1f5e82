// Administration of connectors (the administerConnectors right): each installed connector, enabled or
// not, configured through the settings form its JSON Schema describes (our rjsf kit; secrets are
// password fields the server never fills: a set secret shows as set, and an empty field keeps it),
// and the outbox, where failed messages are retried.
import { useMemo, useState } from 'react';
import Form from '@rjsf/core';
import type { ErrorSchema } from '@rjsf/utils';
import { ApiError } from '../api/client.ts';
import { connectorsApi, OUTBOX_STATES, type ConnectorInfo, type OutboxState } from '../api/connectors.ts';
import { useI18n } from '../app/i18n.tsx';
import type { Language } from '../app/messages.ts';
import { formatDateTime } from '../components/format.ts';
import { Chip, ErrorBox, Modal, Spinner, useLoad, useNotify } from '../components/ui.tsx';
import { EMPTY_SET, type FormContext } from '../form/context.ts';
import { formKit, wordErrors } from '../form/kit.ts';

type Schema = Record<string, unknown>;
const isObject = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The schema and uiSchema the form renders: titles in the reader's language (`x-labels`), secret
 * (writeOnly) fields as password inputs saying whether a value is set.
 */
export function settingsForm(schema: Schema, uiSchema: Schema, language: Language, secretSet: (path: string) => boolean, words: { set: string; notSet: string }): { schema: Schema; uiSchema: Schema } {
  const walk = (node: Schema, ui: Schema, path: string): { schema: Schema; uiSchema: Schema } => {
    const labels = isObject(node['x-labels']) ? (node['x-labels'] as Record<string, string>) : null;
    const out: Schema = { ...node, ...(labels?.[language] ? { title: labels[language] } : {}) };
    delete out['x-labels'];
    const outUi: Schema = { ...ui };
    if (isObject(node.properties)) {
      const properties: Schema = {};
      for (const [key, sub] of Object.entries(node.properties)) {
        if (!isObject(sub)) continue;
        const child = walk(sub, isObject(ui[key]) ? (ui[key] as Schema) : {}, `${path}/${key}`);
        properties[key] = child.schema;
        if (Object.keys(child.uiSchema).length) outUi[key] = child.uiSchema;
      }
      out.properties = properties;
    }
    if (isObject(node.items)) {
      const child = walk(node.items, isObject(ui.items) ? (ui.items as Schema) : {}, `${path}/*`);
      out.items = child.schema;
      outUi.items = child.uiSchema;
    }
    if (node.writeOnly === true) {
      outUi['ui:widget'] = 'password';
      outUi['ui:placeholder'] = secretSet(path) ? words.set : words.notSet;
      // A kept secret is absent from the form data: `required` would refuse it.
      delete out.minLength;
    }
    return { schema: out, uiSchema: outUi };
  };
  return walk(schema, uiSchema, '');
}

export default function AdminConnectorsPage() {
  const { t, language } = useI18n();
  const notify = useNotify();
  const { data, error, loading, reload } = useLoad(() => connectorsApi.list(), []);
  const [editing, setEditing] = useState<ConnectorInfo | null>(null);
  if (loading && !data) return <Spinner />;
  if (error || !data) return <ErrorBox error={error} onRetry={reload} />;
  return (
    <div className="page admin-page">
      <div className="page-head">
        <h1>{t('nav.connectors')}</h1>
      </div>
      {data.length === 0 ? (
        <div className="empty-state">{t('connectors.none')}</div>
      ) : (
        <ul className="card admin-list" aria-label={t('nav.connectors')}>
          {data.map((c) => (
            <li key={c.id} data-connector={c.id}>
              <div className="admin-main">
                <strong>{c.label[language]}</strong> <span className="muted mono">{c.id}</span>{' '}
                <Chip color={c.enabled ? '#15803d' : undefined}>{c.enabled ? t('connectors.enabled') : t('connectors.disabled')}</Chip>
                {c.description && <div className="muted">{c.description[language]}</div>}
                <div className="admin-chips">
                  {c.taskTypes.map((tt) => (
                    <Chip key={tt.type} title={t('connectors.taskTypes')}>
                      {tt.type}
                    </Chip>
                  ))}
                  {c.channels.map((ch) => (
                    <Chip key={ch} title={t('connectors.channels')}>
                      {ch}
                    </Chip>
                  ))}
                </div>
              </div>
              <div className="admin-actions">
                <button type="button" className="btn btn-small" onClick={() => setEditing(c)}>
                  {t('connectors.configure')}
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
      <Outbox />
      {editing && (
        <SettingsDialog
          connector={editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            notify('success', t('admin.saved'));
            reload();
          }}
        />
      )}
    </div>
  );
}

/** The secret paths of a schema position set in the stored configuration (array indexes read as "*"). */
const secretPaths = (pointers: readonly string[]) => new Set(pointers.map((p) => p.replace(/\/\d+(?=\/|$)/g, '/*')));

function SettingsDialog({ connector, onClose, onSaved }: { connector: ConnectorInfo; onClose(): void; onSaved(): void }) {
  const i18n = useI18n();
  const { t, language } = i18n;
  const [enabled, setEnabled] = useState(connector.enabled);
  const [config, setConfig] = useState<Record<string, unknown>>(connector.config);
  const [problem, setProblem] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const context: FormContext = useMemo(() => ({ i18n, hidden: EMPTY_SET, required: EMPTY_SET }), [i18n]);
  const form = useMemo(() => {
    if (!connector.configSchema) return null;
    const set = secretPaths(connector.secretsSet);
    return settingsForm(connector.configSchema, connector.uiSchema ?? {}, language, (path) => set.has(path), { set: t('connectors.secretSet'), notSet: t('connectors.secretNotSet') });
  }, [connector, language, t]);
  const extraErrors = useMemo(() => {
    const root: Record<string, unknown> = {};
    for (const p of problem?.problem.errors ?? []) {
      const parts = p.pointer.replace(/^\/config\/?/, '').split('/').filter(Boolean);
      if (parts.length === 0) continue;
      let node = root;
      for (const part of parts) node = (node[part] ??= {}) as Record<string, unknown>;
      ((node.__errors ??= []) as string[]).push(p.detail);
    }
    return root as ErrorSchema;
  }, [problem]);

  const save = async (values: Record<string, unknown>) => {
    setBusy(true);
    try {
      await connectorsApi.save(connector.id, { enabled, config: values, version: connector.version });
      onSaved();
    } catch (e) {
      setProblem(e instanceof ApiError ? e : new ApiError({ status: 0, detail: String(e) }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      title={t('connectors.settingsOf', { name: connector.label[language] })}
      wide
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" form="connector-settings-form" className="btn btn-primary" disabled={busy} onClick={form ? undefined : () => void save({})}>
            {t('common.save')}
          </button>
        </>
      }
    >
      {problem && (
        <div className="form-banner" role="alert">
          {problem.problem.detail ?? problem.message}
        </div>
      )}
      <label className="check-row">
        <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} /> {t('connectors.enable')}
      </label>
      {form ? (
        <Form
          id="connector-settings-form"
          schema={form.schema}
          uiSchema={form.uiSchema}
          formData={config}
          {...formKit}
          formContext={context}
          transformErrors={wordErrors(language)}
          extraErrors={extraErrors}
          onChange={(e) => setConfig((e.formData ?? {}) as Record<string, unknown>)}
          onSubmit={(e) => void save((e.formData ?? {}) as Record<string, unknown>)}
        />
      ) : (
        <div className="muted">{t('connectors.nothingToConfigure')}</div>
      )}
    </Modal>
  );
}

function Outbox() {
  const { t, locale } = useI18n();
  const notify = useNotify();
  const [state, setState] = useState<OutboxState | ''>('');
  const { data, error, loading, reload } = useLoad(() => connectorsApi.outbox(state || undefined), [state]);
  const retry = async (id: string) => {
    try {
      await connectorsApi.retry(id);
      notify('success', t('outbox.retried'));
      reload();
    } catch (err) {
      notify('error', t('common.error'), err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <section className="card outbox" aria-label={t('outbox.title')}>
      <div className="page-head">
        <h2>{t('outbox.title')}</h2>
        <select aria-label={t('outbox.state')} value={state} onChange={(e) => setState(e.target.value as OutboxState | '')}>
          <option value="">{t('outbox.allStates')}</option>
          {OUTBOX_STATES.map((s) => (
            <option key={s} value={s}>
              {t(`outbox.state.${s}`)}
            </option>
          ))}
        </select>
      </div>
      {loading && !data ? (
        <Spinner />
      ) : error || !data ? (
        <ErrorBox error={error} onRetry={reload} />
      ) : data.length === 0 ? (
        <div className="muted">{t('outbox.empty')}</div>
      ) : (
        <div className="table-scroll">
          <table className="fields-table">
            <thead>
              <tr>
                <th>{t('outbox.created')}</th>
                <th>{t('outbox.channel')}</th>
                <th>{t('outbox.recipient')}</th>
                <th>{t('outbox.state')}</th>
                <th>{t('outbox.attempts')}</th>
                <th>{t('outbox.lastError')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {data.map((m) => (
                <tr key={m.id} data-message={m.id} data-state={m.state}>
                  <td>{formatDateTime(m.createdAt, locale)}</td>
                  <td className="mono">{m.channel}</td>
                  <td className="mono">{m.recipient}</td>
                  <td>{t(`outbox.state.${m.state}`)}</td>
                  <td>
                    {m.attempts}/{m.maxAttempts}
                  </td>
                  <td>{m.lastError ?? ''}</td>
                  <td>
                    {m.state === 'failed' && (
                      <button type="button" className="btn btn-small" onClick={() => void retry(m.id)}>
                        {t('outbox.retry')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
