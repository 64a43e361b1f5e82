// What every rjsf form of the app shares: our validator, templates, widgets and custom fields, and
// errors shown on the fields rather than in a list (and no browser-native validation bubbles).
import { fields } from './fields.tsx';
import { templates } from './templates.tsx';
import { validator } from './validator.ts';
import { widgets } from './widgets.tsx';

export const formKit = { validator, templates, widgets, fields, noHtml5Validate: true, showErrorList: false } as const;
