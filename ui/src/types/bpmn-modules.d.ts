// The BPMN properties panel and the Zeebe behaviours ship without type declarations; the modeler
// only hands them to bpmn-js as additional modules.
declare module 'bpmn-js-properties-panel' {
  type ModuleDeclaration = Record<string, unknown>;
  export const BpmnPropertiesPanelModule: ModuleDeclaration;
  export const BpmnPropertiesProviderModule: ModuleDeclaration;
  export const ZeebePropertiesProviderModule: ModuleDeclaration;
}

declare module 'camunda-bpmn-js-behaviors/lib/camunda-cloud' {
  const ZeebeBehaviorsModule: Record<string, unknown>;
  export default ZeebeBehaviorsModule;
}
