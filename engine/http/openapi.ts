// The OpenAPI 3.1 document of the API, generated from the applied metadata: one set of paths and
// schemas per entity type, with the same JSON Schemas the server validates with.
import { labelText, recordInputSchema, recordOutputSchema, type Model, type JsonSchema } from '../../metadata/index.ts';
import { TOKEN_SCOPE_DESCRIPTIONS, TOKEN_SCOPES, type TokenScope } from '../access/index.ts';

const pascal = (name: string) => name.replace(/(^|_)([a-z0-9])/g, (_m, _u, c: string) => c.toUpperCase());

function stripDialect(schema: JsonSchema): JsonSchema {
  const { $schema: _drop, ...rest } = schema;
  return rest;
}

const problemRef = { $ref: '#/components/schemas/Problem' };
const problemResponse = (description: string) => ({ description, content: { 'application/problem+json': { schema: problemRef } } });

/** An operation's security: a session, or a token holding any of the scopes (OpenAPI 3.1 roles of a bearer scheme). */
const needs = (...scopes: TokenScope[]) => ({ security: [...scopes.map((scope) => ({ bearer: [scope] })), { session: [] }] });
const sessionOnly = { security: [{ session: [] }] };

const documents = new WeakMap<Model, JsonSchema>();

/** The document of a model, built once per metadata version. */
export function openApiDocument(model: Model, version: number): JsonSchema {
  let document = documents.get(model);
  if (!document) documents.set(model, (document = buildOpenApiDocument(model, version)));
  return document;
}

function buildOpenApiDocument(model: Model, version: number): JsonSchema {
  const schemas: Record<string, JsonSchema> = {
    Problem: {
      type: 'object',
      description: 'RFC 9457 problem details',
      properties: {
        type: { type: 'string', format: 'uri' },
        title: { type: 'string' },
        status: { type: 'integer' },
        detail: { type: 'string' },
        code: { type: 'string' },
        instance: { type: 'string' },
        errors: {
          type: 'array',
          items: { type: 'object', properties: { pointer: { type: 'string', description: 'RFC 6901 JSON pointer to the bad value' }, detail: { type: 'string' }, code: { type: 'string' } }, required: ['pointer', 'detail'] },
        },
      },
      required: ['type', 'title', 'status', 'code'],
    },
  };
  const paths: Record<string, unknown> = {};
  const listParams = [
    { name: 'filter', in: 'query', description: 'JSON filter, e.g. {"name":{"contains":"stal"}}; or filter[field][op]=value', schema: { type: 'string' } },
    { name: 'sort', in: 'query', description: 'Comma-separated fields, "-" for descending', schema: { type: 'string' } },
    { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500, default: 50 } },
    { name: 'after', in: 'query', description: 'Cursor from the previous page (keyset pagination)', schema: { type: 'string' } },
    { name: 'search', in: 'query', description: 'Text search over the searchable fields, ignoring case and diacritics', schema: { type: 'string' } },
    { name: 'include', in: 'query', description: 'Relations to embed', schema: { type: 'string' } },
    { name: 'fields', in: 'query', description: 'Fields to return', schema: { type: 'string' } },
    { name: 'count', in: 'query', schema: { type: 'boolean' } },
    { name: 'deleted', in: 'query', schema: { type: 'string', enum: ['exclude', 'include', 'only'] } },
  ];
  const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
  const ifMatch = { name: 'If-Match', in: 'header', description: 'Version being edited, e.g. "3" (or send "version" in the body)', schema: { type: 'string' } };
  for (const entity of model.entities.values()) {
    const name = pascal(entity.name);
    schemas[name] = stripDialect(recordOutputSchema(model, entity));
    schemas[`${name}Create`] = stripDialect(recordInputSchema(model, entity, { mode: 'create' }));
    schemas[`${name}Update`] = { ...stripDialect(recordInputSchema(model, entity, { mode: 'update' })), properties: { ...(recordInputSchema(model, entity, { mode: 'update' }).properties as object), version: { type: 'integer', minimum: 1 } } };
    const ref = { $ref: `#/components/schemas/${name}` };
    const tag = labelText(entity.pluralLabel, 'en');
    const base = `/api/records/${entity.name}`;
    paths[base] = {
      get: {
        tags: [tag],
        ...needs('read'),
        summary: `List ${tag.toLowerCase()}`,
        parameters: listParams,
        responses: {
          200: { description: 'A page', content: { 'application/json': { schema: { type: 'object', properties: { data: { type: 'array', items: ref }, next: { type: ['string', 'null'] }, count: { type: 'integer' } } } } } },
          400: problemResponse('Invalid filter, sort or parameter'),
        },
      },
      post: {
        tags: [tag],
        ...needs('write'),
        summary: `Create a ${labelText(entity.label, 'en').toLowerCase()}`,
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: `#/components/schemas/${name}Create` } } } },
        responses: { 201: { description: 'Created', content: { 'application/json': { schema: ref } } }, 422: problemResponse('Invalid values') },
      },
    };
    paths[`${base}/{id}`] = {
      parameters: [idParam],
      get: { tags: [tag], ...needs('read'), responses: { 200: { description: 'The record', content: { 'application/json': { schema: ref } } }, 404: problemResponse('Not found') } },
      patch: {
        tags: [tag],
        ...needs('write'),
        parameters: [ifMatch],
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: `#/components/schemas/${name}Update` } } } },
        responses: {
          200: { description: 'Updated', content: { 'application/json': { schema: ref } } },
          409: problemResponse('Changed by someone else meanwhile'),
          422: problemResponse('Invalid values or illegal transition'),
          428: problemResponse('Version missing'),
        },
      },
      delete: { tags: [tag], ...needs('write'), responses: { 200: { description: 'Deleted (restorable)', content: { 'application/json': { schema: ref } } }, 409: problemResponse('Still referenced') } },
    };
    paths[`${base}/{id}/restore`] = { parameters: [idParam], post: { tags: [tag], ...needs('write'), responses: { 200: { description: 'Restored', content: { 'application/json': { schema: ref } } } } } };
    paths[`${base}/mass-update`] = {
      post: {
        tags: [tag],
        ...needs('write'),
        summary: 'One change to many records, all or nothing (body: {records: [{id, version}], values})',
        responses: { 200: { description: 'The changed records, as {data: [...]}' }, 403: problemResponse('A record the user may not change (failedRecord)'), 409: problemResponse('A record changed meanwhile (failedRecord)'), 422: problemResponse('Invalid values, pointers under /values') },
      },
    };
    paths[`${base}/{id}/history`] = { parameters: [idParam], get: { tags: [tag], ...needs('read'), responses: { 200: { description: 'Audit trail' } } } };
    paths[`${base}/{id}/stream`] = { parameters: [idParam], get: { tags: [tag], ...needs('read'), summary: 'Comments and changes of the record, newest first', responses: { 200: { description: '{data: [comment or change]}' }, 404: problemResponse('No such record the caller may read') } } };
    paths[`${base}/{id}/comments`] = {
      parameters: [idParam],
      post: {
        tags: [tag],
        ...needs('write'),
        summary: 'Comment on the record; @login mentions notify users who may read it',
        requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['body'], additionalProperties: false, properties: { body: { type: 'string', minLength: 1, maxLength: 10_000 } } } } } },
        responses: { 201: { description: 'The comment' }, 404: problemResponse('No such record the caller may read'), 422: problemResponse('Invalid body') },
      },
    };
    if (entity.name !== 'activity') {
      paths[`${base}/{id}/merge`] = {
        parameters: [idParam],
        post: {
          tags: [tag],
          ...needs('write'),
          parameters: [ifMatch],
          summary: 'Merge the duplicate into this record: related records and links move here, empty fields are filled, the duplicate is deleted',
          requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['duplicate'], additionalProperties: false, properties: { duplicate: { type: 'string', format: 'uuid' }, version: { type: 'integer', minimum: 1 } } } } } },
          responses: { 200: { description: '{record, merged, moved, filled}' }, 403: problemResponse('No right to change this record or delete the duplicate'), 409: problemResponse('Changed by someone else meanwhile'), 422: problemResponse('Invalid duplicate') },
        },
      };
    }
    if (entity.duplicates.length) {
      paths[`${base}/duplicates`] = {
        post: { tags: [tag], ...needs('read'), summary: 'Records the duplicate rules match for these values (?exclude=<id> for an edit)', requestBody: { required: true, content: { 'application/json': { schema: { type: 'object' } } } }, responses: { 200: { description: '{data: [{rule, action, fields, label, records}]}' } } },
      };
    }
    if (entity.activities) {
      paths[`${base}/{id}/activities`] = {
        parameters: [idParam],
        get: {
          tags: [tag],
          ...needs('read'),
          summary: 'The timeline: activities linked to the record and to the related records its timeline.include rolls in (readable ones only), newest first; list parameters, kind=<kind,…>, scope=own|all',
          responses: { 200: { description: 'A page of activities' } },
        },
      };
    }
    paths[`${base}/bulk/workflow`] = {
      post: {
        tags: [tag],
        ...needs('write'),
        summary: 'Run a workflow once per selected record, as the user (body: {processId, ids (at most 200), variables?, runId?})',
        responses: { 200: { description: '{runId, started, failed, members, progress}' }, 422: problemResponse('Invalid request, pointers under /ids') },
      },
    };
    paths[`${base}/{id}/progress`] = { parameters: [idParam], get: { tags: [tag], ...needs('read'), summary: 'Progress and results per outcome of the runs about the record (a marketing action)', responses: { 200: { description: '{total, running, completed, failed, outcomes}' } } } };
    if (entity.name === 'marketing_action') {
      paths[`${base}/{id}/start`] = {
        parameters: [idParam],
        post: { tags: [tag], ...needs('write'), summary: 'Start the action: members from member_filter, its scenario process once per new member', responses: { 200: { description: '{runId, found, started, failed, members, progress}' }, 422: problemResponse('No member filter, or one lists refuse (/member_filter)') } },
      };
    }
  }
  paths['/api/record-sets/{runId}'] = {
    parameters: [{ name: 'runId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
    get: { tags: ['Workflows'], summary: 'Progress of a bulk run (its starter, or administerWorkflows)', responses: { 200: { description: '{total, running, completed, failed, outcomes}' }, 404: problemResponse('No such run of the caller') } },
  };
  paths['/api/meta'] = {
    get: { tags: ['Metadata'], responses: { 200: { description: 'The applied package' } } },
    put: { tags: ['Metadata'], ...needs('metadata'), summary: 'Validate, plan and apply a package', responses: { 200: { description: 'Applied' }, 409: problemResponse('Destructive change refused or concurrent change'), 422: problemResponse('Invalid package') } },
  };
  paths['/api/meta/plan'] = { post: { tags: ['Metadata'], ...needs('metadata'), summary: 'Plan only', responses: { 200: { description: 'The migration plan' }, 422: problemResponse('Invalid package') } } };
  paths['/api/meta/sandbox'] = {
    post: { tags: ['Metadata'], ...needs('metadata'), summary: 'Try a package on a transaction that is rolled back: the plan and sample records created over the new model; nothing persists', responses: { 200: { description: '{fromVersion, version, changed, destructive, steps, samples: [{entity, values, record, fired: {audited, workflows, messages, jobs, automationEvents, problems} | problems, code, message}], rolledBack}; a sample runs the triggers of the tried package, and what would leave the transaction (jobs) is reported, not queued' }, 422: problemResponse('Invalid package or samples') } },
  };
  paths['/api/meta/numbering/{entity}'] = {
    get: { tags: ['Metadata'], ...needs('metadata'), summary: "The counters of an entity type's numbering series (read-only)", responses: { 200: { description: '{entity, data: [{series, lastValue}]}' }, 404: problemResponse('Unknown entity type') } },
  };
  paths['/api/meta/versions'] = { get: { tags: ['Metadata'], ...needs('metadata'), summary: 'The applied versions, newest first: who, when, from where, how many changes', responses: { 200: { description: '{data: [{version, appliedAt, source, appliedBy, changes}]}' } } } };
  paths['/api/meta/versions/{version}'] = {
    get: { tags: ['Metadata'], ...needs('metadata'), summary: 'One version: its diff against the version before it and the plan it ran', responses: { 200: { description: '{version, …, diff, plan}' }, 404: problemResponse('No such version') } },
  };
  paths['/api/meta/versions/{version}/revert'] = {
    post: {
      tags: ['Metadata'],
      ...needs('metadata'),
      summary: "Revert to a version: its package planned (a dry run) or, with {apply: true}, applied as a new version through the same plan and apply",
      responses: { 200: { description: 'The plan and diff, or the applied version' }, 404: problemResponse('No such version'), 409: problemResponse('Destructive change refused or concurrent change') },
    },
  };
  paths['/api/meta/roles/{name}/preview'] = {
    parameters: [
      { name: 'name', in: 'path', required: true, schema: { type: 'string' } },
      { name: 'entity', in: 'query', schema: { type: 'string' }, description: 'list this entity type as the role sees it (filter, sort, limit, after, search and fields as for lists)' },
      { name: 'as', in: 'query', schema: { type: 'string' }, description: "the login of an active user whose owner and teams decide own/team (default: the caller's)" },
    ],
    get: {
      tags: ['Metadata'],
      security: [{ bearer: ['metadata', 'read'] }, { session: [] }],
      summary: 'View as a role (administerMetadata): the rights a user holding only this role gets, and a page of a list as they see it, never more than the caller may read',
      responses: { 200: { description: '{role, as, rights: {<type>: summary}, data?, next?}' }, 400: problemResponse('Unknown entity type or user'), 404: problemResponse('No such role') },
    },
    post: {
      tags: ['Metadata'],
      security: [{ bearer: ['metadata', 'read'] }, { session: [] }],
      summary: "View as a role as the designer's draft defines it: body {files} (the whole draft package); its rights, field rights and row conditions over the records stored now; nothing is applied",
      requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['files'], properties: { files: { type: 'object' } }, additionalProperties: false } } } },
      responses: { 200: { description: '{role, as, rights: {<type>: summary}, data?, next?}' }, 400: problemResponse('Unknown entity type or user'), 404: problemResponse('No such role in the draft'), 422: problemResponse('Invalid draft package (pointers into /files)') },
    },
  };
  paths['/api/search'] = {
    get: {
      tags: ['Records'],
      ...needs('read'),
      summary: 'One text across every readable entity type with searchable fields, hits grouped by type',
      parameters: [
        { name: 'q', in: 'query', required: true, schema: { type: 'string', minLength: 2, maxLength: 200 } },
        { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 20, default: 5 }, description: 'Hits per type' },
        { name: 'types', in: 'query', schema: { type: 'string' }, description: 'Comma-separated entity types to search (default: all)' },
      ],
      responses: { 200: { description: '{data: [{entity, data: [{id, title, matched}], more}]}' }, 400: problemResponse('Bad q, limit or types') },
    },
  };
  paths['/api/health'] = { get: { tags: ['Platform'], security: [], responses: { 200: { description: 'Healthy' } } } };
  // Authentication (docs/security.md): the rest of the paths need a token or a session.
  paths['/api/auth/login'] = {
    post: {
      tags: ['Authentication'],
      security: [],
      summary: 'Sign in: sets the session cookie and returns the CSRF token',
      requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['login', 'password'], properties: { login: { type: 'string' }, password: { type: 'string' } } } } } },
      responses: { 200: { description: 'Signed in' }, 401: problemResponse('Wrong login or password'), 429: problemResponse('Too many failed attempts (Retry-After)') },
    },
  };
  paths['/api/auth/me'] = { get: { tags: ['Authentication'], summary: 'The current user, their rights and (sessions) the CSRF token', responses: { 200: { description: 'Current user' }, 401: problemResponse('Not signed in') } } };
  paths['/api/auth/logout'] = { post: { tags: ['Authentication'], ...sessionOnly, responses: { 204: { description: 'Session ended' } } } };
  paths['/api/auth/logout-all'] = {
    post: { tags: ['Authentication'], ...needs('account'), summary: 'End every session of the user (and with {"tokens": true} revoke their API tokens)', responses: { 200: { description: 'Counts of ended sessions and revoked tokens' }, 403: problemResponse('A token without the account scope') } },
  };
  paths['/api/auth/sessions'] = { get: { tags: ['Authentication'], ...needs('account'), responses: { 200: { description: 'The user’s live sessions' } } } };
  paths['/api/auth/sessions/{id}'] = { parameters: [idParam], delete: { tags: ['Authentication'], ...needs('account'), responses: { 204: { description: 'Session ended' }, 404: problemResponse('No such session of the user') } } };
  const scopes = { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', enum: [...TOKEN_SCOPES] }, description: TOKEN_SCOPES.map((scope) => `${scope}: ${TOKEN_SCOPE_DESCRIPTIONS[scope]}`).join('; ') };
  paths['/api/auth/tokens'] = {
    get: { tags: ['Authentication'], ...needs('account'), responses: { 200: { description: 'The user’s API tokens (never their secrets)' } } },
    post: {
      tags: ['Authentication'],
      ...sessionOnly,
      summary: 'Create an API token (from a browser session); the token is shown only in this response',
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1, maxLength: 100 }, scopes: { ...scopes, default: ['read', 'write'] }, expiresAt: { type: ['string', 'null'], format: 'date-time' } } },
          },
        },
      },
      responses: { 201: { description: 'Created' }, 422: problemResponse('Invalid name, scopes or expiry') },
    },
  };
  paths['/api/auth/tokens/{id}'] = {
    parameters: [idParam],
    delete: { tags: ['Authentication'], summary: 'Revoke a token: a token may always revoke itself; another one needs a session or the account scope', responses: { 204: { description: 'Revoked' }, 403: problemResponse('A token without the account scope revoking another'), 404: problemResponse('No live token of the user') } },
  };
  paths['/api/files'] = {
    post: {
      tags: ['Files'],
      ...needs('files'),
      summary: 'Upload a file for an attachment field (the raw bytes, their media type as Content-Type)',
      parameters: [{ name: 'name', in: 'query', schema: { type: 'string' } }],
      requestBody: { required: true, content: { '*/*': { schema: { type: 'string', format: 'binary' } } } },
      responses: { 201: { description: 'Stored: its id, name, media type, size, SHA-256' }, 422: problemResponse('Empty body') },
    },
  };
  paths['/api/saved-views'] = {
    get: { tags: ['Saved views'], ...needs('read'), summary: 'The user’s saved views and those shared with their teams (?entity=, ?kind=list|board)', responses: { 200: { description: 'Saved views, as {data: [...]}' } } },
    post: { tags: ['Saved views'], ...needs('write'), summary: 'Save a view: {entity, kind, name, teamId, filter, sort, columns, search}', responses: { 201: { description: 'The saved view' }, 403: problemResponse('Type not readable, or a team the user is not in'), 409: problemResponse('Name taken'), 422: problemResponse('Invalid view') } },
  };
  paths['/api/saved-views/{id}'] = {
    parameters: [idParam],
    get: { tags: ['Saved views'], ...needs('read'), responses: { 200: { description: 'The view' }, 404: problemResponse('Not found') } },
    patch: { tags: ['Saved views'], ...needs('write'), responses: { 200: { description: 'The changed view' }, 403: problemResponse('Not the owner'), 404: problemResponse('Not found'), 422: problemResponse('Invalid view') } },
    delete: { tags: ['Saved views'], ...needs('write'), responses: { 204: { description: 'Deleted' }, 403: problemResponse('Not the owner'), 404: problemResponse('Not found') } },
  };
  paths['/api/files/{id}'] = { parameters: [idParam], get: { tags: ['Files'], ...needs('read', 'files'), responses: { 200: { description: 'The file' }, 404: problemResponse('Not found') } } };
  paths['/api/files/{id}/info'] = { parameters: [idParam], get: { tags: ['Files'], ...needs('read', 'files'), responses: { 200: { description: 'Name, media type, size, SHA-256' }, 404: problemResponse('Not found') } } };
  return {
    openapi: '3.1.0',
    info: { title: `Tessera API — ${model.pkg.manifest.name}`, version: `${model.pkg.manifest.version}+meta.${version}` },
    paths,
    security: [{ bearer: [] }, { session: [] }],
    components: {
      schemas,
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: `API token (tsr_…) from POST /api/auth/tokens. Its scopes (listed per operation) only take rights away from its user: ${TOKEN_SCOPES.map((scope) => `\`${scope}\` ${TOKEN_SCOPE_DESCRIPTIONS[scope]}`).join('; ')}.`,
        },
        session: { type: 'apiKey', in: 'cookie', name: 'tessera_session', description: 'Browser session from POST /api/auth/login; unsafe methods also need the X-CSRF-Token header' },
      },
    },
  };
}
