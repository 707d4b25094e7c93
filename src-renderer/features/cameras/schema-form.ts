// Camera forms are generated from the contract's zod schemas (src-contract/camera-config.ts), so a field added
// to a source type shows up in the form, and the form validates exactly as the host does.
import type { z } from 'zod';
import { CameraConfigSchema, CameraSourceSchema } from '../../../src-contract/camera-config.ts';
import type { CameraSourceType } from '../../../src-contract/camera-config.ts';

interface Common { key: string; required: boolean; hasDefault: boolean }
export type FieldSpec =
  | (Common & { kind: 'text'; secret: boolean; maxLength: number | null; defaultValue: string | undefined })
  | (Common & { kind: 'number'; min: number | null; max: number | null; int: boolean; nullable: boolean; defaultValue: number | null | undefined })
  | (Common & { kind: 'boolean'; defaultValue: boolean })
  | (Common & { kind: 'enum'; options: string[]; defaultValue: string | undefined })
  | (Common & { kind: 'record'; defaultValue: Record<string, string> });

/** Raw form state: strings as typed, booleans, and key/value rows for records. */
export type FormValue = string | boolean | [string, string][];
export type FormValues = Record<string, FormValue>;

interface Def { type: string; innerType?: z.ZodType; defaultValue?: unknown; values?: unknown[] }
const defOf = (s: z.ZodType) => (s as unknown as { _zod: { def: Def } })._zod.def;
const SECRET = /password|secret|token/i;

function describe(key: string, schema: z.ZodType): FieldSpec | null {
  let s = schema;
  let required = true;
  let hasDefault = false;
  let nullable = false;
  let defaultValue: unknown;
  // Unwrap optional / default / nullable wrappers, remembering what they say.
  for (;;) {
    const d = defOf(s);
    if (d.type === 'optional') required = false;
    else if (d.type === 'default') { hasDefault = true; required = false; defaultValue = typeof d.defaultValue === 'function' ? (d.defaultValue as () => unknown)() : d.defaultValue; }
    else if (d.type === 'nullable') nullable = true;
    else break;
    s = d.innerType!;
  }
  const base = { key, required, hasDefault };
  const any = s as unknown as { minValue?: number | null; maxValue?: number | null; isInt?: boolean; maxLength?: number | null; options?: string[] };
  switch (defOf(s).type) {
    case 'string': return { ...base, kind: 'text', secret: SECRET.test(key), maxLength: any.maxLength ?? null, defaultValue: defaultValue as string | undefined };
    case 'number': {
      const finite = (v: number | null | undefined) => (v === undefined || v === null || !Number.isFinite(v) ? null : v);
      return { ...base, kind: 'number', min: finite(any.minValue), max: finite(any.maxValue), int: Boolean(any.isInt), nullable, defaultValue: defaultValue as number | null | undefined };
    }
    case 'boolean': return { ...base, kind: 'boolean', defaultValue: Boolean(defaultValue) };
    case 'enum': return { ...base, kind: 'enum', options: [...(any.options ?? [])], defaultValue: defaultValue as string | undefined };
    case 'record': return { ...base, kind: 'record', defaultValue: (defaultValue as Record<string, string>) ?? {} };
    default: return null; // literals (the `type` discriminator) and nested objects are not form fields
  }
}

export function describeObject(schema: z.ZodObject): FieldSpec[] {
  return Object.entries(schema.shape).map(([k, v]) => describe(k, v as z.ZodType)).filter((f): f is FieldSpec => f !== null);
}

const sourceSchemas = new Map<string, z.ZodObject>(
  (CameraSourceSchema.options as unknown as z.ZodObject[]).map((o) => [String(defOf(o.shape.type as z.ZodType).values?.[0]), o]),
);
export const SOURCE_TYPES = [...sourceSchemas.keys()] as CameraSourceType[];

export function sourceFields(type: CameraSourceType): FieldSpec[] {
  const schema = sourceSchemas.get(type);
  if (!schema) throw new Error(`unknown source type ${type}`);
  return describeObject(schema);
}
export const detectionFields = () => describeObject(CameraConfigSchema.shape.detection.unwrap() as unknown as z.ZodObject);
export const liveViewFields = () => describeObject(CameraConfigSchema.shape.live_view.unwrap() as unknown as z.ZodObject);

/** Form state for an object (its current values, or the schema defaults). Secrets always start empty. */
export function toFormValues(specs: FieldSpec[], current: Record<string, unknown> = {}): FormValues {
  const out: FormValues = {};
  for (const f of specs) {
    const v = current[f.key] ?? f.defaultValue;
    switch (f.kind) {
      case 'text': out[f.key] = f.secret ? '' : typeof v === 'string' ? v : ''; break;
      case 'number': out[f.key] = typeof v === 'number' ? String(v) : ''; break;
      case 'boolean': out[f.key] = typeof v === 'boolean' ? v : false; break;
      case 'enum': out[f.key] = typeof v === 'string' ? v : f.options[0] ?? ''; break;
      case 'record': out[f.key] = Object.entries((v as Record<string, string>) ?? {}); break;
    }
  }
  return out;
}

/** Form state back to an input object for the schema. Empty optional fields are left out; empty nullable numbers are null. */
export function fromFormValues(specs: FieldSpec[], values: FormValues): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of specs) {
    const v = values[f.key];
    switch (f.kind) {
      case 'text': {
        const s = typeof v === 'string' ? (f.secret ? v : v.trim()) : '';
        if (s !== '' || f.required) out[f.key] = s;
        break;
      }
      case 'number': {
        const s = typeof v === 'string' ? v.trim() : '';
        if (s === '') { if (f.nullable) out[f.key] = null; }
        else out[f.key] = Number(s);
        break;
      }
      case 'boolean': out[f.key] = v === true; break;
      case 'enum': if (typeof v === 'string' && v) out[f.key] = v; break;
      case 'record': out[f.key] = Object.fromEntries((Array.isArray(v) ? v : []).filter(([k]) => k.trim() !== '').map(([k, val]) => [k.trim(), val])); break;
    }
  }
  return out;
}

/**
 * zod issues as "path.to.field" → message (first per field). Parse with `{ reportInput: true }` so an empty
 * required field can read `requiredText` instead of the rule it happens to break first (e.g. a URL pattern).
 */
export function issuesByField(error: z.ZodError, requiredText?: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.map(String).join('.');
    if (key in out) continue;
    const input = (issue as { input?: unknown }).input;
    const empty = (input === '' && issue.code !== 'custom') || (input === undefined && issue.code === 'invalid_type');
    out[key] = empty && requiredText ? requiredText : issue.message;
  }
  return out;
}

/** Validates form output against a contract schema: the parsed value, or messages per field. */
export function validateForm<S extends z.ZodType>(schema: S, data: unknown, requiredText: string):
  { ok: true; data: z.output<S> } | { ok: false; errors: Record<string, string> } {
  const res = schema.safeParse(data, { reportInput: true });
  return res.success ? { ok: true, data: res.data } : { ok: false, errors: issuesByField(res.error, requiredText) };
}
