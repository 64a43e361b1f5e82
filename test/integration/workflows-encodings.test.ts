// Deploying BPMN files over HTTP in the encoding they declare (ISO-8859-1, windows-1250, UTF-16), and
// the refusal of files that cannot be decoded or hold characters XML does not allow: 422 problem+json
// with the place in the file as pointer, never a 500, nothing stored.
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { jsonClient, startTestServer, type TestServer } from '../support/http.ts';
import { ENCODED_BPMN, encodedBpmn as encoded } from '../support/bpmn-encodings.ts';
import { bpmnFixture } from '../support/workflows.ts';

let env: TestPlatform;
let server: TestServer;
let api: ReturnType<typeof jsonClient>;

beforeAll(async () => {
  env = await startTestPlatform();
  server = await startTestServer(env.platform);
  api = jsonClient(`${server.url}/api`);
}, 60_000);

afterAll(async () => {
  await server?.close();
  await env?.close();
});


/** POSTs the file's bytes as they are. */
async function deploy(bytes: Uint8Array, contentType = 'application/xml'): Promise<{ status: number; contentType: string; body: Record<string, any> }> {
  const res = await fetch(`${server.url}/api/workflows`, { method: 'POST', headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': contentType }, body: bytes });
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: (await res.json()) as Record<string, any> };
}

/** start-none with a process name written in ISO-8859-1, though the file declares UTF-8. */
function latin1Name(name: string): Buffer {
  const [head, tail] = bpmnFixture('start-none').split('isExecutable="true"');
  return Buffer.concat([Buffer.from(head!), Buffer.from(`name="${name}" `, 'latin1'), Buffer.from(`isExecutable="true"${tail}`)]);
}

const deployments = async () => Number((await env.platform.knex('tessera.process_deployments').count({ n: '*' }).first())!.n);

describe('a file in the encoding it declares', () => {
  test.each(ENCODED_BPMN)('%s (read as %s) deploys; the stored file is UTF-8 text with its names intact', async (fixture, _, processId, name) => {
    const res = await deploy(encoded(fixture));
    expect(res.status).toBe(201);
    expect(res.body.processes).toEqual([expect.objectContaining({ processId, name, version: 1 })]);
    const xml = await api.get(`/workflows/${processId}/xml`);
    expect(xml.contentType).toMatch(/charset=utf-8/i);
    expect(xml.body).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>/);
    expect(xml.body).toContain(`<bpmn:documentation>${name}</bpmn:documentation>`);
    // The same file again is the same process: no new version.
    expect((await deploy(encoded(fixture))).body.processes[0]).toMatchObject({ version: 1, changed: false });
  });

  test('the XML declaration decides, not a charset parameter of the request', async () => {
    const res = await deploy(encoded('iso-8859-1'), 'application/xml; charset=utf-8');
    expect(res.status).toBe(200);
    expect(res.body.processes[0]).toMatchObject({ processId: 'encodedLatin1', changed: false });
  });
});

describe('files that cannot be read are refused with their place in the file', () => {
  test.each([
    ['a NUL character reference', Buffer.from(bpmnFixture('start-none').replace('<bpmn:process id="startNone"', '<bpmn:process id="startNone" name="x&#0;y"')), 'BPMN_INVALID_CHARACTER', '/line/3/column/39'],
    ['a NUL character', Buffer.from(bpmnFixture('start-none').replace('<bpmn:startEvent id="start" />', '<bpmn:startEvent id="start" name="x\u0000y" />')), 'BPMN_INVALID_CHARACTER', '/line/4/column/40'],
    ['bytes that are not the declared encoding', latin1Name('café'), 'BPMN_ENCODING', '/line/3/column/41'],
    ['an encoding that does not exist', Buffer.from(bpmnFixture('start-none').replace('UTF-8', 'X-NO-SUCH')), 'BPMN_ENCODING', '/line/1/column/31'],
  ])('%s: 422 with a pointer, nothing stored', async (_, bytes, code, pointer) => {
    const before = await deployments();
    const res = await deploy(bytes);
    expect(res.status).toBe(422);
    expect(res.contentType).toContain('application/problem+json');
    expect(res.body.code).toBe('WORKFLOW_INVALID');
    expect(res.body.errors).toEqual([expect.objectContaining({ pointer, code })]);
    expect(await deployments()).toBe(before);
  });

  test('malformed XML points at the parse error', async () => {
    const res = await deploy(Buffer.from('<?xml version="1.0"?>\n<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">\n  <bpmn:process id="p"'));
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([expect.objectContaining({ pointer: '/line/3/column/3', code: 'BPMN_PARSE_ERROR' })]);
  });

  test('a body that is not XML is 415 with a problem for the whole body', async () => {
    const res = await deploy(Buffer.from('{}'), 'application/json');
    expect(res.status).toBe(415);
    expect(res.body.errors).toEqual([expect.objectContaining({ pointer: '' })]);
  });
});
