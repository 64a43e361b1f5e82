// The designer's graph of pipelines and status machines: stages and states become nodes (at their
// layout hint or laid out in order), transitions become one arrow per state they leave; drawing,
// removing and editing arrows and nodes gives back an item the validator accepts, removing a node
// takes its arrows and initial place along, and triggers are matched to the states they react to.
import { addNode, addTransition, graphEdges, graphNodes, moveNode, reactions, removeEdge, removeNode, updateNode, updateTransition, type StateGraphItem } from '../../../forms/index.ts';
import type { Pipeline, StatusMachine } from '../../../metadata/browser.ts';
import { loadPackageDir, validatePackage, type PackageFiles } from '../../../metadata/index.ts';

let seed: PackageFiles;
let lead: StatusMachine;
let sales: Pipeline;

beforeAll(async () => {
  seed = (await loadPackageDir(new URL('../../../seed/metadata/', import.meta.url).pathname)).package;
  lead = seed.files['status-machines/lead.json'] as StatusMachine;
  sales = seed.files['pipelines/sales.json'] as Pipeline;
});

const problems = (path: string, item: StateGraphItem) => {
  const result = validatePackage({ files: { ...seed.files, [path]: item } });
  return result.ok ? [] : result.errors.map((e) => `${e.pointer} ${e.message}`);
};

describe('state graph', () => {
  test('nodes and edges of a status machine: laid out in order, one arrow per state left', () => {
    const nodes = graphNodes(lead);
    expect(nodes.map((n) => n.name)).toEqual(['new', 'contacted', 'qualified', 'converted', 'disqualified']);
    expect(nodes[0]).toMatchObject({ initial: true, final: false, x: 24, y: 24 });
    expect(nodes[4]).toMatchObject({ final: true, initial: false });
    expect(nodes[4]!.y).toBeGreaterThan(nodes[0]!.y);
    const edges = graphEdges(lead);
    expect(edges.filter((e) => e.to === 'qualified').map((e) => e.from)).toEqual(['new', 'contacted']);
    expect(edges).toHaveLength(1 + 2 + 1 + 3 + 1);
  });

  test('stages carry probability and won/lost', () => {
    const nodes = graphNodes(sales);
    expect(nodes.find((n) => n.name === 'sale')).toMatchObject({ category: 'won', final: true, probability: 100 });
    expect(nodes.find((n) => n.name === 'offering')).toMatchObject({ category: 'open', final: false, probability: 40 });
  });

  test('drawing an arrow adds a transition once; a guard is set and cleared', () => {
    const drawn = addTransition(lead, 'contacted', 'new');
    expect(drawn.transitions).toHaveLength(lead.transitions.length + 1);
    expect(drawn.transitions!.at(-1)).toEqual({ id: 'crm.status.lead_status.t.contacted_to_new', from: ['contacted'], to: 'new' });
    expect(addTransition(drawn, 'contacted', 'new')).toBe(drawn);
    expect(addTransition(lead, 'new', 'qualified')).toBe(lead);
    expect(addTransition(lead, 'new', 'new')).toBe(lead);
    expect(addTransition(lead, 'new', 'nowhere')).toBe(lead);
    const guarded = updateTransition(drawn, drawn.transitions!.length - 1, { guard: 'email != null', guardMessage: { en: 'needs an e-mail' } });
    expect(guarded.transitions!.at(-1)).toMatchObject({ guard: 'email != null', guardMessage: { en: 'needs an e-mail' } });
    expect(problems('status-machines/lead.json', guarded)).toEqual([]);
    const cleared = updateTransition(guarded, guarded.transitions!.length - 1, { guard: ' ' });
    expect(cleared.transitions!.at(-1)).toEqual({ id: 'crm.status.lead_status.t.contacted_to_new', from: ['contacted'], to: 'new' });
  });

  test('removing an arrow narrows its transition; the last arrow removes it', () => {
    const qualify = lead.transitions.findIndex((t) => t.to === 'qualified');
    const once = removeEdge(lead, { transition: qualify, from: 'new' });
    expect(once.transitions![qualify]!.from).toEqual(['contacted']);
    const twice = removeEdge(once, { transition: qualify, from: 'contacted' });
    expect(twice.transitions!.some((t) => t.to === 'qualified')).toBe(false);
    expect(problems('status-machines/lead.json', twice)).toEqual([]);
  });

  test('moving a node keeps a whole-pixel hint within the canvas, which validates', () => {
    const moved = moveNode(sales, 'lost', 512.6, -20);
    expect((moved as Pipeline).stages.find((s) => s.name === 'lost')!.position).toEqual({ x: 513, y: 0 });
    expect(graphNodes(moved).find((n) => n.name === 'lost')).toMatchObject({ x: 513, y: 0 });
    expect(problems('pipelines/sales.json', moved)).toEqual([]);
  });

  test('node properties: probability, won/lost, colour, label; empty values are dropped', () => {
    const next = updateNode(sales, 'offering', { probability: 55, category: 'won', color: '#112233', label: { en: 'Offer', pl: 'Oferta', ro: 'Ofertă' }, final: true }) as Pipeline;
    const offering = next.stages.find((s) => s.name === 'offering')!;
    expect(offering).toMatchObject({ probability: 55, category: 'won', color: '#112233', label: { pl: 'Oferta' } });
    expect('final' in offering).toBe(false);
    const state = updateNode(lead, 'qualified', { final: true, requiredFields: ['email'], probability: 3 }) as StatusMachine;
    expect(state.states.find((s) => s.name === 'qualified')).toMatchObject({ final: true, requiredFields: ['email'] });
    expect('probability' in state.states.find((s) => s.name === 'qualified')!).toBe(false);
    const unset = updateNode(state, 'qualified', { final: false, requiredFields: [] }) as StatusMachine;
    expect(Object.keys(unset.states.find((s) => s.name === 'qualified')!).sort()).toEqual(['color', 'id', 'label', 'name']);
    expect(problems('pipelines/sales.json', next)).toEqual([]);
  });

  test('adding and removing a node: arrows and initial places go with it; the result validates', () => {
    const added = addNode(lead, 'nurturing', { en: 'Nurturing' });
    expect(graphNodes(added).at(-1)).toMatchObject({ name: 'nurturing', x: 24 + 240, y: 24 + 128 });
    expect(addNode(added, 'nurturing', { en: 'Again' })).toBe(added);
    const linked = addTransition(addTransition(added, 'new', 'nurturing'), 'nurturing', 'qualified');
    expect(problems('status-machines/lead.json', linked)).toEqual([]);
    const removed = removeNode(linked, 'nurturing');
    expect(graphEdges(removed)).toEqual(graphEdges(lead));
    const withInitial = { ...lead, initial: ['new', 'contacted'] } as StatusMachine;
    expect((removeNode(withInitial, 'new') as StatusMachine).initial).toEqual(['contacted']);
    expect('initial' in removeNode({ ...lead, initial: ['new'] }, 'new')).toBe(false);
    // Other stages are named by views' and rollups' filters; a stage of one's own comes and goes cleanly.
    const review = addTransition(addTransition(addNode(sales, 'review', { en: 'Review' }), 'new', 'review'), 'review', 'sale') as Pipeline;
    expect(review.stages.at(-1)).toMatchObject({ name: 'review', category: 'open' });
    expect(problems('pipelines/sales.json', review)).toEqual([]);
    const salesWithout = removeNode(review, 'review') as Pipeline;
    expect(salesWithout.stages.map((s) => s.name)).toEqual(sales.stages.map((s) => s.name));
    expect(graphEdges(salesWithout)).toEqual(graphEdges(sales));
  });

  test('reactions: triggers matched to the states they react to', () => {
    const triggers = Object.values(seed.files);
    const onLead = reactions(lead, triggers);
    expect(onLead.qualified!.map((r) => r.trigger)).toContain('lead_closed');
    expect(onLead.new!.map((r) => r.trigger)).not.toContain('lead_closed');
    const onSales = reactions(sales, triggers);
    expect(onSales.offering!.find((r) => r.trigger === 'deal_stage_follow_up')).toMatchObject({ process: 'deal-stage-follow-up' });
    expect(onSales.sale!.map((r) => r.trigger)).not.toContain('deal_stage_follow_up');
    const exact = reactions(lead, [{ kind: 'trigger', name: 'x', entity: 'lead', on: 'stateEntered', field: 'status', state: 'converted', message: { name: 'm' } }]);
    expect(exact.converted).toEqual([{ trigger: 'x', message: 'm' }]);
    expect(exact.new).toEqual([]);
  });
});
