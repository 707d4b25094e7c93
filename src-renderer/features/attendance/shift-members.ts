// Who is on a shift, as the assignment dialog edits it: departments with their people (grouped case-insensitively,
// exact names, so picking "Sales" never takes "Presales" along), a search over name/ID/department, and the change
// to send (people added to the shift, people taken off it).

export interface MemberCandidate { id: string; name: string; employee_id: string; department: string; shift_id: string | null }

export interface DepartmentGroup { key: string; label: string; ids: string[] }

/** Departments of `people` (empty department left out), grouped ignoring case and outer spaces, largest first. */
export function departmentsOf(people: readonly MemberCandidate[]): DepartmentGroup[] {
  const groups = new Map<string, DepartmentGroup>();
  for (const p of people) {
    const label = p.department.trim();
    if (!label) continue;
    const key = label.toLocaleLowerCase();
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { key, label, ids: [] }));
    g.ids.push(p.id);
  }
  return [...groups.values()].sort((a, b) => b.ids.length - a.ids.length || a.label.localeCompare(b.label));
}

/** People whose name, employee ID or department contains `query` (ignoring case); all of them for an empty query. */
export function searchPeople<T extends MemberCandidate>(people: readonly T[], query: string): T[] {
  const q = query.trim().toLocaleLowerCase();
  if (!q) return [...people];
  return people.filter((p) => p.name.toLocaleLowerCase().includes(q) || p.employee_id.toLocaleLowerCase().includes(q) || p.department.toLocaleLowerCase().includes(q));
}

/** What saving the dialog changes: `add` get the shift (they had none or another), `remove` lose it. */
export function membershipChange(people: readonly MemberCandidate[], shiftId: string, selected: ReadonlySet<string>): { add: string[]; remove: string[] } {
  const add: string[] = [];
  const remove: string[] = [];
  for (const p of people) {
    const on = p.shift_id === shiftId;
    if (selected.has(p.id) && !on) add.push(p.id);
    else if (!selected.has(p.id) && on) remove.push(p.id);
  }
  return { add, remove };
}

/** People per shift id (people without a shift are not counted). */
export function countByShift(people: readonly MemberCandidate[]): Map<string, number> {
  const n = new Map<string, number>();
  for (const p of people) if (p.shift_id) n.set(p.shift_id, (n.get(p.shift_id) ?? 0) + 1);
  return n;
}
