// Departments a response may name, by the names and abbreviations it uses, with today's name.
export interface DepartmentName {
  today: string;
  /** The name when the response was written, where it has changed since. */
  original?: string;
}

const DEPARTMENTS: [RegExp, DepartmentName][] = [
  [/\b(?:FCDO|Foreign,? Commonwealth (?:and|&) Development Office)\b/, { today: 'Foreign, Commonwealth and Development Office' }],
  [/\b(?:FCO|Foreign and Commonwealth Office)\b/, { today: 'Foreign, Commonwealth and Development Office', original: 'Foreign and Commonwealth Office' }],
  [/\b(?:DIT|Department for International Trade)\b/, { today: 'Department for Business and Trade', original: 'Department for International Trade' }],
  [/\b(?:DBT|Department for Business and Trade)\b/, { today: 'Department for Business and Trade' }],
  [/\bHome Office\b/, { today: 'Home Office' }],
  [/\b(?:HM Treasury|the Treasury)\b/, { today: 'HM Treasury' }],
  [/\bCabinet Office\b/, { today: 'Cabinet Office' }],
  [/\b(?:Ministry of Defence|MOD|MoD)\b/, { today: 'Ministry of Defence' }],
  [/\b(?:Department for Education|DfE)\b/, { today: 'Department for Education' }],
  [/\b(?:Department of Health and Social Care|DHSC)\b/, { today: 'Department of Health and Social Care' }],
  [/\b(?:Department for Work and Pensions|DWP)\b/, { today: 'Department for Work and Pensions' }],
  [/\b(?:Department for Environment, Food and Rural Affairs|Defra|DEFRA)\b/, { today: 'Department for Environment, Food and Rural Affairs' }],
  [/\b(?:Department for Culture, Media and Sport|DCMS)\b/, { today: 'Department for Culture, Media and Sport' }],
  [
    /\b(?:Department for Digital, Culture, Media and Sport)\b/,
    { today: 'Department for Culture, Media and Sport', original: 'Department for Digital, Culture, Media and Sport' },
  ],
  [/\b(?:Department for Science, Innovation and Technology|DSIT)\b/, { today: 'Department for Science, Innovation and Technology' }],
  [/\b(?:Department for Energy Security and Net Zero|DESNZ)\b/, { today: 'Department for Energy Security and Net Zero' }],
  [
    /\b(?:Department for Business, Energy and Industrial Strategy|BEIS)\b/,
    { today: 'Department for Business and Trade', original: 'Department for Business, Energy and Industrial Strategy' },
  ],
  [/\b(?:Ministry of Justice|MoJ)\b/, { today: 'Ministry of Justice' }],
  [/\b(?:Department for Transport|DfT)\b/, { today: 'Department for Transport' }],
  [
    /\b(?:Ministry of Housing, Communities and Local Government|MHCLG|Department for Levelling Up, Housing and Communities|DLUHC)\b/,
    { today: 'Ministry of Housing, Communities and Local Government' },
  ],
  [/\b(?:Department for Science, Innovation and Technology)\b/, { today: 'Department for Science, Innovation and Technology' }],
];

/** The departments a text names, first named first. */
export function departmentsNamed(text: string): DepartmentName[] {
  const found: { at: number; name: DepartmentName }[] = [];
  for (const [re, name] of DEPARTMENTS) {
    const m = re.exec(text);
    if (m && !found.some((f) => f.name.today === name.today)) found.push({ at: m.index, name });
  }
  return found.sort((a, b) => a.at - b.at).map((f) => f.name);
}

/** The department a document names most often: the lead department where a passage names none. */
export function leadDepartment(text: string): DepartmentName | undefined {
  let best: { count: number; name: DepartmentName } | undefined;
  for (const [re, name] of DEPARTMENTS) {
    const count = text.match(new RegExp(re.source, 'g'))?.length ?? 0;
    if (count > (best?.count ?? 0)) best = { count, name };
  }
  return best?.name;
}
