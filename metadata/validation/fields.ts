// Fields (types, references, defaults, formats, computed and rollup parts), enum values and form layouts.
import { pointer as ptr } from '../errors.ts';
import { checkFeel } from '../feel.ts';
import { fieldTypeOf } from '../field-types/index.ts';
import { platformTarget, USER_TARGET } from '../model.ts';
import { joinTableName, SYSTEM_COLUMNS } from '../physical.ts';
import { fieldNameProblem } from '../reserved.ts';
import type { Field, FormSection } from '../schema/types.generated.ts';
import { report, type Ctx } from './context.ts';

export function checkFields(ctx: Ctx, ownerId: string, ownerName: string, fields: readonly Field[], base: readonly (string | number)[], extraColumns: ReadonlySet<string>): void {
  const names = new Map<string, number>();
  const ids = new Map<string, number>();
  const columns = new Map<string, string>();
  for (const c of [...SYSTEM_COLUMNS, ...extraColumns]) columns.set(c, 'a system column');
  fields.forEach((field, i) => {
    const at = [...base, i];
    const problem = fieldNameProblem(field.name);
    if (problem) report(ctx, 'META_RESERVED_NAME', ownerId, [...at, 'name'], problem);
    if (names.has(field.name)) report(ctx, 'META_DUPLICATE_NAME', ownerId, [...at, 'name'], `field "${field.name}" is already defined at ${ptr(...base, names.get(field.name)!)}`);
    names.set(field.name, i);
    if (ids.has(field.id)) report(ctx, 'META_DUPLICATE_ID', ownerId, [...at, 'id'], `field id "${field.id}" is already used at ${ptr(...base, ids.get(field.id)!)}`);
    ids.set(field.id, i);
    for (const column of fieldTypeOf(field).columnNames(field)) {
      const clash = columns.get(column);
      if (clash && !(problem && column === field.name)) report(ctx, 'META_COLUMN_CLASH', ownerId, [...at, 'name'], `column "${column}" clashes with ${clash}`);
      columns.set(column, `field "${field.name}"`);
    }
    if (field.type === 'reference' && field.required && field.onDelete === 'setNull') {
      report(ctx, 'META_FIELD_KIND', ownerId, [...at, 'onDelete'], 'a required reference cannot be cleared when its target is deleted; use restrict or cascade');
    }
    if (field.type === 'reference' || field.type === 'manyToMany') {
      const platform = platformTarget(field.target);
      if (!platform && !ctx.entityNames.has(field.target)) {
        report(ctx, 'META_UNKNOWN_ENTITY', ownerId, [...at, 'target'], `unknown entity type "${field.target}"`);
      }
      if (field.type === 'manyToMany') {
        if (platform) report(ctx, 'META_FIELD_KIND', ownerId, [...at, 'target'], `many-to-many links to ${platform.table} are not supported; link to an entity type (e.g. employees)`);
        const join = joinTableName(ownerName, field.name);
        if (join.length > 63) report(ctx, 'META_RESERVED_NAME', ownerId, [...at, 'name'], `join table name "${join}" is longer than 63 characters`);
        if (field.required || field.unique || field.indexed) report(ctx, 'META_FIELD_KIND', ownerId, at, 'required, unique and indexed do not apply to many-to-many fields');
        checkEnumValues(ctx, ownerId, [...at, 'roles'], field.roles ?? []);
      }
    }
    if (field.type === 'enum') {
      checkEnumValues(ctx, ownerId, [...at, 'values'], field.values);
      if (field.default !== undefined && !field.values.some((v) => v.value === field.default)) {
        report(ctx, 'META_INVALID_DEFAULT', ownerId, [...at, 'default'], `default "${String(field.default)}" is not one of the values`);
      }
    }
    if (field.type === 'string' && field.pattern !== undefined) {
      try {
        new RegExp(field.pattern, 'u');
      } catch (error) {
        report(ctx, 'META_PATTERN', ownerId, [...at, 'pattern'], `invalid regular expression: ${(error as Error).message}`);
      }
    }
    if (field.type === 'reference' && field.default !== undefined && field.target !== USER_TARGET) {
      report(ctx, 'META_INVALID_DEFAULT', ownerId, [...at, 'default'], '"$me" is a default only of references to "user"');
    }
    if (field.type === 'string' && field.countryField !== undefined) {
      const country = fields.find((f) => f.name === field.countryField);
      if (field.format !== 'postalCode') report(ctx, 'META_FIELD_KIND', ownerId, [...at, 'countryField'], 'countryField goes with "format": "postalCode"');
      else if (!country || (country.type !== 'enum' && country.type !== 'string')) report(ctx, 'META_UNKNOWN_FIELD', ownerId, [...at, 'countryField'], `"${field.countryField}" is not an enum or string field of this type`);
    }
    if (field.type === 'string' && field.default !== undefined && field.default.length > (field.maxLength ?? 255)) {
      report(ctx, 'META_INVALID_DEFAULT', ownerId, [...at, 'default'], 'default is longer than maxLength');
    }
    if ((field.type === 'integer' || field.type === 'decimal') && field.minimum !== undefined && field.maximum !== undefined && field.minimum > field.maximum) {
      report(ctx, 'META_INVALID_DEFAULT', ownerId, [...at, 'minimum'], 'minimum is greater than maximum');
    }
    if (field.type === 'decimal' && (field.scale ?? 4) >= (field.precision ?? 18)) {
      report(ctx, 'META_FIELD_KIND', ownerId, [...at, 'scale'], 'scale must be smaller than precision');
    }
    if ((field.unique || field.indexed) && (field.type === 'json' || field.type === 'text' || field.type === 'secret')) {
      report(ctx, 'META_FIELD_KIND', ownerId, at, `${field.type} fields cannot be unique or indexed`);
    }
    // A secret is sealed in its column: nothing can search it, and a default would be a shared password.
    if (field.type === 'secret' && (field.searchable || field.default !== undefined)) {
      report(ctx, 'META_FIELD_KIND', ownerId, at, 'a secret field cannot be searchable or have a default');
    }
    for (const key of ['visibleWhen', 'requiredWhen'] as const) {
      const expr = field[key];
      if (expr !== undefined) {
        const problem = checkFeel(expr);
        if (problem) report(ctx, 'META_FEEL_SYNTAX', ownerId, [...at, key], `FEEL syntax error: ${problem.message}`);
      }
    }
  });
}

export function checkEnumValues(ctx: Ctx, ownerId: string, at: readonly (string | number)[], values: readonly { id?: string; value: string }[]): void {
  const seen = new Set<string>();
  const ids = new Set<string>();
  values.forEach((v, i) => {
    if (seen.has(v.value)) report(ctx, 'META_DUPLICATE_NAME', ownerId, [...at, i, 'value'], `value "${v.value}" is listed twice`);
    seen.add(v.value);
    if (v.id !== undefined) {
      if (ids.has(v.id)) report(ctx, 'META_DUPLICATE_ID', ownerId, [...at, i, 'id'], `value id "${v.id}" is listed twice`);
      ids.add(v.id);
    }
  });
}

/** A form layout (the default or a role's variant): each field known and placed once, conditions valid. */
export function checkLayout(ctx: Ctx, ownerId: string, fieldOf: (name: string) => Field | undefined, layout: readonly FormSection[], at: readonly (string | number)[]): void {
  const placed = new Set<string>();
  layout.forEach((section, i) => {
    section.fields.forEach((name, j) => {
      if (!fieldOf(name)) report(ctx, 'META_UNKNOWN_FIELD', ownerId, [...at, i, 'fields', j], `unknown field "${name}"`);
      else if (placed.has(name)) report(ctx, 'META_DUPLICATE_NAME', ownerId, [...at, i, 'fields', j], `field "${name}" is placed twice`);
      placed.add(name);
      // The database demands a required field whatever the form shows: it cannot be hidden.
      if (section.visibleWhen !== undefined && fieldOf(name)?.required) report(ctx, 'META_FIELD_KIND', ownerId, [...at, i, 'fields', j], `required field "${name}" cannot be in a section with visibleWhen; use requiredWhen`);
    });
    if (section.visibleWhen !== undefined) {
      const problem = checkFeel(section.visibleWhen);
      if (problem) report(ctx, 'META_FEEL_SYNTAX', ownerId, [...at, i, 'visibleWhen'], `FEEL syntax error: ${problem.message}`);
    }
  });
}
