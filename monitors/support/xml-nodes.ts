// Values from the xml2js tree rss-parser leaves behind: text, attributes and lists, whatever shape they took.

/** A value from the xml2js tree (string, `{_: text, $: attrs}`, or an array of those) as trimmed text. */
export function textOf(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return textOf(value[0]);
  if (typeof value === 'object') {
    const charData = (value as Record<string, unknown>)['_'];
    if (typeof charData === 'string') return charData.trim();
  }
  return '';
}

/** The attributes of an xml2js node (`$`), or of the attribute map itself. */
export function attributesOf(value: unknown): Record<string, string> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
  const record = value as Record<string, unknown>;
  const attrs = record['$'] && typeof record['$'] === 'object' ? (record['$'] as Record<string, unknown>) : record;
  const out: Record<string, string> = {};
  for (const [name, v] of Object.entries(attrs)) if (typeof v === 'string') out[name] = v;
  return out;
}

/** The value of the attribute whose local name (after any namespace prefix) is `local`. */
export function attributeByLocalName(attrs: Record<string, string>, local: string): string | undefined {
  for (const [name, value] of Object.entries(attrs)) {
    if (name.startsWith('xmlns')) continue;
    if (name === local || name.endsWith(`:${local}`)) return value;
  }
  return undefined;
}

/** A list from an xml2js field that may be missing, one value, or an array. */
export function listOf(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}
