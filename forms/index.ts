// forms: metadata → generated forms (JSON Schema + rjsf uiSchema + layout + conditions), shared by
// the web app and the server. Pure. It imports metadata/browser.ts, the browser-safe entry
// (metadata/index.ts adds Node-only parts that must stay out of the browser bundle).
export {
  recordForm,
  type ChoiceOption,
  type CustomFieldName,
  type FieldUi,
  type FieldUiOptions,
  type LineColumn,
  type FormConditions,
  type FormSectionLayout,
  type FormTabLayout,
  type RecordForm,
  type RecordFormOptions,
  type UiSchema,
  type WidgetName,
} from './record-form.ts';
export { evaluateConditions, conditionalProblems, type ConditionState } from './conditions.ts';
export { formValues, initialValues, switchKind, writeValues } from './values.ts';
export { stageFields, narrowForm } from './stage-form.ts';
export { kindView, type KindForm, type KindView } from './kind-form.ts';
export { checkSchema, type CheckError } from './schema-check.ts';
export { schemaErrorProblem, schemaProblems, pointerField, problemText, problemDetail, problemsByField, type FieldProblem, type SchemaError } from './problems.ts';
export { PROBLEM_WORDS, wordProblem, placeholders, type ProblemWording } from './problem-words.ts';
export { metaItemForm, metaFieldForm, metaFieldTypes, type MetaForm, type MetaItemKind } from './meta-forms.ts';
export { camundaTaskForm, embeddedFormId, isCamundaForm, type CamundaForm, type CamundaFormComponent, type TaskForm } from './camunda-form.ts';
export { localizeDescriptions, META_HELP } from './meta-help.ts';
export { addSection, addVariant, moveField, newSectionId, normalizeLayout, removeSection, removeVariant, sectionOf, setVariantLayout, shiftField, shiftSection, toggleVariantRole, unplacedFields, updateSection, MAX_COLUMNS, MIN_COLUMNS, type LayoutSection, type LayoutTarget, type LayoutVariantDraft } from './layout-edit.ts';
export { clearForQuote, mergeQuote } from './price-quote.ts';
export { cellText, cellValue, entryCount, fieldRight, rightCell, roleEntry, setCondition, setFieldRight, setRight, EVERY_ENTITY, FIELD_LEVELS, ROLE_RIGHTS, ROLE_SCOPES, type FieldLevel, type RightValue, type RoleRight } from './role-edit.ts';
export { addColumn, columnChoices, groupChoices, moveColumn, newView, removeColumn, setFilter, setGroupBy, setSort, setTotal, setWidth, totalChoices, MAX_WIDTH, MIN_WIDTH } from './view-edit.ts';
export { addNode, addTransition, defaultPosition, graphEdges, graphNodes, isPipeline, moveNode, nodeList, reactions, removeEdge, removeNode, updateNode, updateTransition, MAX_POSITION, NODE_HEIGHT, NODE_WIDTH, type GraphEdge, type GraphNode, type NodePatch, type Reaction, type StateGraphItem, type TriggerLike } from './state-graph.ts';
