// What the form's templates and widgets share besides rjsf's own props: the language, the layout,
// and the current state of the FEEL conditions.
import type { FormTabLayout } from '../../../forms/index.ts';
import type { Model } from '../../../metadata/browser.ts';
import type { I18n } from '../app/i18n.tsx';

export interface FormContext {
  readonly i18n: I18n;
  readonly model?: Model;
  /** Root layout of a generated record form (absent for designer forms: plain field order). */
  readonly layout?: readonly FormTabLayout[];
  readonly hidden: ReadonlySet<string>;
  readonly required: ReadonlySet<string>;
}

export const EMPTY_SET: ReadonlySet<string> = new Set();
