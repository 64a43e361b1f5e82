// The BPMN modeler (bpmn-js with the properties panel for Zeebe: task definitions, FEEL conditions,
// input/output mappings, forms). This page is its own chunk, loaded only when opened, so pages that
// only show forms never download bpmn-js. Deploy sends the XML to POST /api/workflows (a server
// without the workflow API gets a notice); a workflow administrator may deploy it to act with
// platform rights instead of its starter's (docs/security.md). With ?instance=<id> the page shows a
// running or ended instance on the diagram of its version: active elements highlighted, incidents
// in red, whose rights its version and the instance act with.
import { useEffect, useRef, useState } from 'react';
import BpmnModeler from 'bpmn-js/lib/Modeler';
import { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, ZeebePropertiesProviderModule } from 'bpmn-js-properties-panel';
import ZeebeBehaviorsModule from 'camunda-bpmn-js-behaviors/lib/camunda-cloud';
import zeebeModdle from 'zeebe-bpmn-moddle/resources/zeebe.json';
import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import 'bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css';
import '@bpmn-io/properties-panel/dist/assets/properties-panel.css';
import { ApiError } from '../api/client.ts';
import { definitionPlatformRights, definitionXml, deployWorkflow, getInstance, listInstances, type InstanceSummary, type InstanceView } from '../api/workflows.ts';
import { useI18n } from '../app/i18n.tsx';
import { useProblemWords } from '../app/problems.ts';
import { problemText } from '../../../forms/index.ts';
import { Link, navigate, useLocation } from '../app/router.tsx';
import { useSession } from '../app/session.tsx';
import { formatDateTime } from '../components/format.ts';
import { InstanceTable, instanceStatus } from '../components/InstanceTable.tsx';
import { Modal, useNotify } from '../components/ui.tsx';
import { saveFile } from '../components/save-file.ts';

/** A new executable process for the Zeebe dialect: one start event. */
export const NEW_DIAGRAM = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:modeler="http://camunda.org/schema/modeler/1.0" id="Definitions_1" targetNamespace="http://bpmn.io/schema/bpmn" modeler:executionPlatform="Camunda Cloud" modeler:executionPlatformVersion="8.6.0">
  <bpmn:process id="new_process" name="New process" isExecutable="true">
    <bpmn:startEvent id="start" name="Start" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="BPMNDiagram_1">
    <bpmndi:BPMNPlane id="BPMNPlane_1" bpmnElement="new_process">
      <bpmndi:BPMNShape id="start_di" bpmnElement="start">
        <dc:Bounds x="180" y="160" width="36" height="36" />
      </bpmndi:BPMNShape>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
`;

export default function ModelerPage() {
  const { t, locale, language } = useI18n();
  const words = useProblemWords();
  const notify = useNotify();
  const canvas = useRef<HTMLDivElement>(null);
  const panel = useRef<HTMLDivElement>(null);
  const modeler = useRef<BpmnModeler | null>(null);
  const [name, setName] = useState('process.bpmn');
  const [ready, setReady] = useState(false);
  const location = useLocation();
  const instanceId = location.query.get('instance');
  const [instance, setInstance] = useState<InstanceView | null>(null);
  const [picking, setPicking] = useState(false);
  /** Deploy with platform rights; set from the version of an instance opened here. */
  const [platformRights, setPlatformRights] = useState(false);
  const [definitionRights, setDefinitionRights] = useState<boolean | null>(null);
  const { can } = useSession();

  useEffect(() => {
    const instance = new BpmnModeler({
      container: canvas.current!,
      propertiesPanel: { parent: panel.current! },
      additionalModules: [BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, ZeebePropertiesProviderModule, ZeebeBehaviorsModule],
      moddleExtensions: { zeebe: zeebeModdle },
    });
    modeler.current = instance;
    let live = true;
    instance.importXML(NEW_DIAGRAM).then(
      () => live && setReady(true),
      (e: unknown) => live && notify('error', t('common.error'), String(e)),
    );
    // StrictMode mounts twice: each mount owns its modeler and destroys it (an import still running
    // then fails, which is expected and not reported).
    return () => {
      live = false;
      instance.destroy();
      modeler.current = null;
    };
    // One modeler per visit: switching the language must not throw the diagram away.
  }, []);

  // Instance view: the diagram of the instance's version, its active elements and incidents marked.
  useEffect(() => {
    if (!ready || !instanceId || !modeler.current) return setInstance(null);
    let live = true;
    (async () => {
      const view = await getInstance(instanceId);
      const xml = await definitionXml(view.processId, view.version);
      const rights = await definitionPlatformRights(view.processId, view.version);
      if (!live || !modeler.current) return;
      await modeler.current.importXML(xml);
      const canvas = modeler.current.get('canvas') as { addMarker(id: string, marker: string): void };
      const registry = modeler.current.get('elementRegistry') as { get(id: string): unknown };
      for (const id of view.activeElementIds) if (registry.get(id)) canvas.addMarker(id, 'tessera-active');
      for (const incident of view.incidents) if (typeof incident.elementId === 'string' && registry.get(incident.elementId)) canvas.addMarker(incident.elementId, 'tessera-incident');
      setName(`${view.processId}.bpmn`);
      setInstance(view);
      // Deploying the diagram again keeps its version's rights unless the administrator changes them.
      setDefinitionRights(rights);
      setPlatformRights(rights === true);
    })().catch((e: unknown) => live && notify('error', t('common.error'), words.message(e)));
    return () => {
      live = false;
    };
  }, [ready, instanceId, notify, t]);

  const xml = async () => (await modeler.current!.saveXML({ format: true })).xml ?? '';

  const open = async (file: File | undefined) => {
    if (!file || !modeler.current) return;
    try {
      await modeler.current.importXML(await file.text());
      setName(file.name);
    } catch (e) {
      notify('error', t('common.error'), words.message(e));
    }
  };

  const download = async () => {
    saveFile(name, new Blob([await xml()], { type: 'application/xml' }));
  };

  const deploy = async () => {
    try {
      const data = await deployWorkflow(await xml(), name, platformRights);
      notify('success', t('modeler.deployed'), data.processes.map((p) => `${p.processId} v${p.version}${p.platformRights ? ` (${t('modeler.platformRights')})` : ''}`).join(', '));
    } catch (e) {
      if (e instanceof ApiError && (e.status === 404 || e.status === 405)) notify('info', t('modeler.deploy'), t('modeler.noApi'));
      else if (e instanceof ApiError) notify('error', t('common.error'), [words.message(e, { entries: false }), ...(e.problem.errors ?? []).map((p) => `${p.pointer}: ${problemText({ ...words.entry(p), pointer: '' }, language)}`)].filter(Boolean).join(' — '));
      else notify('error', t('common.error'), String(e));
    }
  };

  return (
    <div className="page">
      <div className="page-head">
        <h1>{t('nav.modeler')}</h1>
        <span className="muted">{name}</span>
        <div className="page-actions">
          <button type="button" className="btn" onClick={() => setPicking(true)}>
            {t('modeler.instances')}
          </button>
          <button type="button" className="btn" onClick={() => {
              if (instanceId) navigate('/modeler');
              void modeler.current?.importXML(NEW_DIAGRAM).then(() => setName('process.bpmn'));
            }}>
            {t('modeler.new')}
          </button>
          <label className="btn">
            {t('modeler.open')}
            <input type="file" accept=".bpmn,.xml" hidden onChange={(e) => void open(e.target.files?.[0])} />
          </label>
          <button type="button" className="btn" disabled={!ready} onClick={() => void download()}>
            {t('modeler.download')}
          </button>
          <label className="checkbox" title={t('modeler.platformRightsHint')}>
            <input type="checkbox" checked={platformRights} disabled={!can('administerWorkflows')} onChange={(e) => setPlatformRights(e.target.checked)} />
            <span>{t('modeler.platformRights')}</span>
          </label>
          <button type="button" className="btn btn-primary" disabled={!ready} onClick={() => void deploy()}>
            {t('modeler.deploy')}
          </button>
        </div>
      </div>
      {instance && (
        <div className="pending-bar" role="status" data-testid="instance-banner">
          <strong>
            {t('modeler.instance')} {instance.id.slice(0, 8)}
          </strong>
          <span>
            {instance.processId} v{instance.version} · {instanceStatus(t, instance.status)} · {formatDateTime(instance.startedAt, locale)}
          </span>
          <span data-testid="instance-rights">
            {definitionRights !== null && `v${instance.version}: ${definitionRights ? t('modeler.platformRights') : t('modeler.starterRights')} · `}
            {t('modeler.actsWith')}: {instance.runAs === 'platform' ? t('modeler.platformRights') : t('modeler.starterRights')}
          </span>
          {instance.activeElementIds.length > 0 && (
            <span className="muted">
              {t('modeler.active')}: {instance.activeElementIds.join(', ')}
            </span>
          )}
          {instance.record && <Link to={`/r/${instance.record.entity}/${instance.record.id}`}>{instance.record.entity}</Link>}
        </div>
      )}
      <div className="modeler">
        <div className="modeler-canvas" ref={canvas} data-testid="bpmn-canvas" />
        <div className="modeler-panel" ref={panel} data-testid="bpmn-properties" />
      </div>
      {picking && <InstancePicker onClose={() => setPicking(false)} />}
    </div>
  );
}

function InstancePicker({ onClose }: { onClose(): void }) {
  const { t } = useI18n();
  const words = useProblemWords();
  const [instances, setInstances] = useState<InstanceSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    listInstances({ limit: 50 }).then(setInstances, (e: unknown) => setError(e instanceof ApiError && e.status === 404 ? t('modeler.noApi') : words.message(e)));
  }, [t]);
  return (
    <Modal title={t('modeler.instances')} onClose={onClose} wide>
      {error && <div className="plan-errors">{error}</div>}
      {instances && instances.length === 0 && <div className="muted">{t('list.empty')}</div>}
      {instances && <InstanceTable instances={instances} onOpen={onClose} />}
    </Modal>
  );
}
