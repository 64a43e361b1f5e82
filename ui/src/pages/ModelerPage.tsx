// The BPMN modeler (bpmn-js with the properties panel for Zeebe: task definitions, FEEL conditions,
// input/output mappings, forms). This page is its own chunk, loaded only when opened, so pages that
// only show forms never download bpmn-js. Deploy sends the XML to POST /api/workflows; until the
// workflow engine is there, the page says so and offers the XML as a download.
import { useEffect, useRef, useState } from 'react';
import BpmnModeler from 'bpmn-js/lib/Modeler';
import { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, ZeebePropertiesProviderModule } from 'bpmn-js-properties-panel';
import ZeebeBehaviorsModule from 'camunda-bpmn-js-behaviors/lib/camunda-cloud';
import zeebeModdle from 'zeebe-bpmn-moddle/resources/zeebe.json';
import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import 'bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css';
import '@bpmn-io/properties-panel/dist/assets/properties-panel.css';
import { ApiError, request } from '../api/client.ts';
import { useI18n } from '../app/i18n.tsx';
import { useNotify } from '../components/ui.tsx';

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
  const { t } = useI18n();
  const notify = useNotify();
  const canvas = useRef<HTMLDivElement>(null);
  const panel = useRef<HTMLDivElement>(null);
  const modeler = useRef<BpmnModeler | null>(null);
  const [name, setName] = useState('process.bpmn');
  const [ready, setReady] = useState(false);

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

  const xml = async () => (await modeler.current!.saveXML({ format: true })).xml ?? '';

  const open = async (file: File | undefined) => {
    if (!file || !modeler.current) return;
    try {
      await modeler.current.importXML(await file.text());
      setName(file.name);
    } catch (e) {
      notify('error', t('common.error'), e instanceof Error ? e.message : String(e));
    }
  };

  const download = async () => {
    const blob = new Blob([await xml()], { type: 'application/xml' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = name;
    a.click();
    URL.revokeObjectURL(a.href);
  };

  const deploy = async () => {
    try {
      const { data } = await request<{ processes: { processId: string; version: number }[] }>('POST', `/workflows?name=${encodeURIComponent(name)}`, { body: await xml(), headers: { 'content-type': 'application/xml' } });
      notify('success', t('modeler.deployed'), data.processes.map((p) => `${p.processId} v${p.version}`).join(', '));
    } catch (e) {
      if (e instanceof ApiError && (e.status === 404 || e.status === 405)) notify('info', t('modeler.deploy'), t('modeler.noApi'));
      else if (e instanceof ApiError) notify('error', e.problem.title ?? t('common.error'), [e.problem.detail, ...(e.problem.errors ?? []).map((p) => `${p.pointer}: ${p.detail}`)].filter(Boolean).join(' — '));
      else notify('error', t('common.error'), String(e));
    }
  };

  return (
    <div className="page">
      <div className="page-head">
        <h1>{t('nav.modeler')}</h1>
        <span className="muted">{name}</span>
        <div className="page-actions">
          <button type="button" className="btn" onClick={() => void modeler.current?.importXML(NEW_DIAGRAM).then(() => setName('process.bpmn'))}>
            {t('modeler.new')}
          </button>
          <label className="btn">
            {t('modeler.open')}
            <input type="file" accept=".bpmn,.xml" hidden onChange={(e) => void open(e.target.files?.[0])} />
          </label>
          <button type="button" className="btn" disabled={!ready} onClick={() => void download()}>
            {t('modeler.download')}
          </button>
          <button type="button" className="btn btn-primary" disabled={!ready} onClick={() => void deploy()}>
            {t('modeler.deploy')}
          </button>
        </div>
      </div>
      <div className="modeler">
        <div className="modeler-canvas" ref={canvas} data-testid="bpmn-canvas" />
        <div className="modeler-panel" ref={panel} data-testid="bpmn-properties" />
      </div>
    </div>
  );
}
