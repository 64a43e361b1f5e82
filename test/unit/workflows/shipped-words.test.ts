// The shipped workflows speak Polish, English and Romanian: every user task carries its subject and
// description per language (zeebe:properties name:<lang>, description:<lang>), every embedded form
// its labels and choices (component properties label:<lang>, option:<value>:<lang>), and what they
// send people is chosen by the `language` variable.
import { readdirSync, readFileSync } from 'node:fs';
import { SHIPPED_WORKFLOWS_DIR } from '../../../engine/seeding.ts';

const unescape = (text: string) => text.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
const shipped = readdirSync(SHIPPED_WORKFLOWS_DIR).filter((f) => f.endsWith('.bpmn')).map((file) => ({ file, xml: readFileSync(`${SHIPPED_WORKFLOWS_DIR}${file}`, 'utf8') }));

test('every shipped user task has its subject and description in pl, en and ro', () => {
  const tasks = shipped.flatMap(({ file, xml }) => [...xml.matchAll(/<bpmn:userTask id="([^"]+)"[\s\S]*?<\/bpmn:userTask>/g)].map((m) => ({ at: `${file}#${m[1]}`, text: m[0] })));
  expect(tasks.length).toBeGreaterThanOrEqual(3);
  const missing = tasks.flatMap(({ at, text }) => ['name', 'description'].flatMap((what) => ['pl', 'en', 'ro'].filter((l) => !new RegExp(`<zeebe:property name="${what}:${l}" value="[^"]+"`).test(text)).map((l) => `${at} ${what}:${l}`)));
  expect(missing).toEqual([]);
});

test('every shipped form has its labels and choices in pl and ro', () => {
  const missing: string[] = [];
  for (const { file, xml } of shipped) {
    for (const m of xml.matchAll(/<zeebe:userTaskForm id="([^"]+)">([\s\S]*?)<\/zeebe:userTaskForm>/g)) {
      const form = JSON.parse(unescape(m[2]!)) as { components: { key?: string; label?: string; values?: { value: string }[]; properties?: Record<string, string> }[] };
      for (const c of form.components) {
        const wanted = [...(c.label ? ['label'] : []), ...(c.values ?? []).map((v) => `option:${v.value}`)];
        for (const key of wanted) for (const l of ['pl', 'ro']) if (!c.properties?.[`${key}:${l}`]) missing.push(`${file}#${m[1]}/${c.key ?? '?'} ${key}:${l}`);
      }
    }
  }
  expect(missing).toEqual([]);
});

test('texts the shipped workflows send people are chosen by language, never English only', () => {
  for (const { file, xml } of shipped) {
    for (const m of xml.matchAll(/<zeebe:input source="(=[^"]*)" target="(subject|message)"/g)) {
      expect({ file, target: m[2], byLanguage: unescape(m[1]!).includes('language = "pl"') && unescape(m[1]!).includes('language = "ro"') }).toEqual({ file, target: m[2], byLanguage: true });
    }
  }
});
