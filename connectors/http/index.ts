// The HTTP call task: BPMN task type `http:request`. Its input mappings (FEEL) give method, url,
// headers, query and body; the response lands in one variable (`resultVariable`, default
// `response`) as {status, headers, body}, which output mappings take apart. Secrets are referenced,
// never written in the diagram: `{{secrets.NAME}}` in the url, a header or a text body is replaced
// by the connector's secret NAME (Settings → Connectors). Failures: no connection, a timeout, a 5xx,
// 408 or 429 fail the attempt (retried with backoff, then an incident); any other 4xx raises the
// BPMN error `HTTP_<status>` with the response, for an error boundary to catch. Messages never
// carry a secret: they name the url as written in the diagram. Reference: docs/connectors.md#http.
import { TaskBpmnError, type Connector, type ConnectorContext, type JsonObject, type JsonValue, type TaskInput } from '../../engine/connectors/index.ts';

export const HTTP = 'http';
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'] as const;
const SECRET_REF = /\{\{\s*secrets\.([A-Za-z0-9_-]+)\s*\}\}/g;

interface HttpConfig {
  readonly secrets?: readonly { readonly name: string; readonly value?: string }[];
  readonly allowedHosts?: readonly string[];
  readonly timeoutSeconds?: number;
  readonly maxResponseBytes?: number;
}

const labels = (pl: string, en: string, ro: string) => ({ 'x-labels': { pl, en, ro }, title: en });

export const configSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    secrets: {
      type: 'array',
      maxItems: 100,
      ...labels('Sekrety (w diagramie: {{secrets.NAZWA}})', 'Secrets (in a diagram: {{secrets.NAME}})', 'Secrete (în diagramă: {{secrets.NUME}})'),
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name'],
        properties: {
          name: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$', ...labels('Nazwa', 'Name', 'Nume') },
          value: { type: 'string', writeOnly: true, maxLength: 4000, ...labels('Wartość', 'Value', 'Valoare') },
        },
      },
    },
    allowedHosts: {
      type: 'array',
      maxItems: 200,
      items: { type: 'string', minLength: 1, maxLength: 253 },
      ...labels('Dozwolone hosty (puste: wszystkie)', 'Allowed hosts (empty: any)', 'Gazde permise (gol: oricare)'),
    },
    timeoutSeconds: { type: 'number', minimum: 0.1, maximum: 300, default: 30, ...labels('Limit czasu (s)', 'Timeout (s)', 'Timp limită (s)') },
    maxResponseBytes: { type: 'integer', minimum: 1, maximum: 10_000_000, default: 1_000_000, ...labels('Największa odpowiedź (bajty)', 'Largest response (bytes)', 'Cel mai mare răspuns (octeți)') },
  },
} as const;

/** A parameter problem: the diagram is wrong, so the task raises an incident (no retry helps). */
class RequestProblem extends Error {}

/** Replaces `{{secrets.NAME}}` references; an unknown name is a problem of the diagram or the settings. */
export function expandSecrets(text: string, secrets: ReadonlyMap<string, string>): string {
  return text.replace(SECRET_REF, (_m, name: string) => {
    const value = secrets.get(name);
    if (value === undefined) throw new RequestProblem(`the secret "${name}" is not set in the http connector's settings`);
    return value;
  });
}

function textParam(input: TaskInput, name: string): string | undefined {
  const value = input.parameters[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new RequestProblem(`parameter ${name} must be text, got ${JSON.stringify(value)}`);
  return value;
}

function objectParam(input: TaskInput, name: string): Record<string, JsonValue> {
  const value = input.parameters[name];
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new RequestProblem(`parameter ${name} must be a context (object), got ${JSON.stringify(value)}`);
  return value;
}

async function readLimited(response: Response, limit: number): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new Error(`the response is larger than ${limit} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function request(input: TaskInput, connector: ConnectorContext, signal: AbortSignal): Promise<JsonObject> {
  const config = (await connector.settings()).config as HttpConfig;
  const secrets = new Map((config.secrets ?? []).filter((s) => typeof s.value === 'string').map((s) => [s.name, s.value!]));
  const method = (textParam(input, 'method') ?? 'GET').toUpperCase();
  if (!(METHODS as readonly string[]).includes(method)) throw new RequestProblem(`method must be one of ${METHODS.join(', ')}, got ${method}`);
  const urlTemplate = textParam(input, 'url');
  if (!urlTemplate) throw new RequestProblem('parameter url is required');
  let url: URL;
  try {
    url = new URL(expandSecrets(urlTemplate, secrets));
  } catch (error) {
    if (error instanceof RequestProblem) throw error;
    throw new RequestProblem(`url ${urlTemplate} is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new RequestProblem(`url ${urlTemplate} must be http or https`);
  const allowed = config.allowedHosts ?? [];
  if (allowed.length > 0 && !allowed.includes(url.hostname)) throw new RequestProblem(`the host ${url.hostname} is not among the http connector's allowed hosts`);
  for (const [key, value] of Object.entries(objectParam(input, 'query'))) url.searchParams.append(key, typeof value === 'string' ? value : JSON.stringify(value));
  const headers = new Headers();
  for (const [key, value] of Object.entries(objectParam(input, 'headers'))) {
    if (typeof value !== 'string') throw new RequestProblem(`header ${key} must be text`);
    headers.set(key, expandSecrets(value, secrets));
  }
  const bodyValue = input.parameters.body;
  let body: string | undefined;
  if (bodyValue !== undefined && bodyValue !== null && method !== 'GET' && method !== 'HEAD') {
    if (typeof bodyValue === 'string') body = expandSecrets(bodyValue, secrets);
    else {
      body = JSON.stringify(bodyValue);
      if (!headers.has('content-type')) headers.set('content-type', 'application/json');
    }
  }
  const timeoutSeconds = typeof input.parameters.timeoutSeconds === 'number' ? input.parameters.timeoutSeconds : (config.timeoutSeconds ?? 30);
  const where = `${method} ${urlTemplate}`;
  let response: Response;
  const timeout = AbortSignal.timeout(timeoutSeconds * 1000);
  try {
    response = await fetch(url, { method, headers, ...(body !== undefined ? { body } : {}), redirect: 'follow', signal: AbortSignal.any([signal, timeout]) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    // The error's own text may quote the expanded url; only its kind is kept.
    if (timeout.aborted) throw new Error(`${where}: no response within ${timeoutSeconds} s`, { cause: error });
    throw new Error(`${where}: the request failed${cause ? ` (${cause})` : ''}`, { cause: error });
  }
  const text = await readLimited(response, config.maxResponseBytes ?? 1_000_000);
  const type = response.headers.get('content-type') ?? '';
  let parsed: JsonValue = text;
  if (/[/+]json\b/.test(type) && text !== '') {
    try {
      parsed = JSON.parse(text) as JsonValue;
    } catch {
      parsed = text;
    }
  }
  const result: JsonObject = { status: response.status, headers: Object.fromEntries(response.headers.entries()), body: parsed };
  if (response.status >= 500 || response.status === 408 || response.status === 429) throw new Error(`${where}: the server answered ${response.status}`);
  if (response.status >= 400) throw new TaskBpmnError(`HTTP_${response.status}`, `${where}: the server answered ${response.status}`, { [resultVariable(input)]: result });
  return { [resultVariable(input)]: result };
}

function resultVariable(input: TaskInput): string {
  const name = input.parameters.resultVariable;
  return typeof name === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : 'response';
}

export const http: Connector = {
  id: HTTP,
  label: { pl: 'Wywołania HTTP', en: 'HTTP calls', ro: 'Apeluri HTTP' },
  description: {
    pl: 'Zadanie BPMN http:request: wywołuje usługę HTTP; sekrety podaje się przez odwołanie {{secrets.NAZWA}}.',
    en: 'BPMN task http:request: calls an HTTP service; secrets are given by reference, {{secrets.NAME}}.',
    ro: 'Sarcina BPMN http:request: apelează un serviciu HTTP; secretele se dau prin referință, {{secrets.NUME}}.',
  },
  configSchema,
  uiSchema: { secrets: { items: { value: { 'ui:widget': 'password' } } } },
  taskTypes: [
    {
      type: 'http:request',
      mode: 'job',
      description: 'Calls an HTTP service: parameters method, url, headers, query, body, timeoutSeconds, resultVariable (default response → {status, headers, body}); {{secrets.NAME}} in url, headers and text bodies.',
      backoff: { initialMs: 1000, factor: 2, maxMs: 5 * 60_000 },
      timeoutSeconds: 330,
      async handler(input, ctx) {
        try {
          return await request(input, ctx.connector, ctx.signal);
        } catch (error) {
          // A wrong diagram or setting: retrying cannot help, so no retries are spent on it.
          if (error instanceof RequestProblem) throw new TaskBpmnError('HTTP_REQUEST_INVALID', error.message);
          throw error;
        }
      },
    },
  ],
};
