// The merge-template language lives in metadata/merge-template.ts, shared with printed documents.
export { TemplateProblem, compileTemplate, escapeHtml, renderMail, renderTemplate, templateRoots, type CompiledTemplate, type RenderOptions, type RenderedMail, type TemplateProblemCode } from '../../metadata/index.ts';
