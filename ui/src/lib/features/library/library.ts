// How the library reads on screen: who may write, tags typed as text, the kinds in
// their usual order, the import report's sentences and an article's status line,
// shared by the library's views.
import { TREATMENT_KINDS, type Actor, type Article, type ArticleForm, type ImportReport, type RefusedFile, type TreatmentKind } from '../../api';
import { can } from '../signin/permissions';
import { KIND_LABELS } from '../stock/stock';

/**
 * The placeholders an aftercare template may use, filled with the patient's data when
 * a handout is printed (the core refuses any other).
 */
export const TEMPLATE_PLACEHOLDERS = ['first_name', 'session_date', 'treatment', 'follow_up_date', 'clinic_phone'] as const;

/** `{{first_name}}`: a placeholder as it is written in a template. */
export function placeholder(name: string): string {
  return `{{${name}}}`;
}

/** Whether `me` writes articles and templates (admins and injectors); others only read. */
export function canWrite(me: Actor): boolean {
  return can(me, 'writeLibrary');
}

/** Tags typed as "bruising, aftercare" as the list the core stores (it trims and lower-cases them). */
export function parseTags(text: string): string[] {
  return text
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
}

/** Tags as typed in the form: "bruising, aftercare". */
export function tagsText(tags: string[]): string {
  return tags.join(', ');
}

/** The kinds ticked, in the usual order (that of `TREATMENT_KINDS`) and without repeats. */
export function orderedKinds(kinds: TreatmentKind[]): TreatmentKind[] {
  return TREATMENT_KINDS.filter((k) => kinds.includes(k));
}

/** "Neurotoxin, Dermal filler". */
export function kindsText(kinds: TreatmentKind[]): string {
  return orderedKinds(kinds)
    .map((k) => KIND_LABELS[k])
    .join(', ');
}

/** A new, empty article. */
export function emptyForm(): ArticleForm {
  return { title: '', summary: '', body: '', tags: [], kinds: [], source: '', published: false };
}

/** "Version 3", or "Draft" while the article is not published. */
export function statusText(article: Article): string {
  return article.form.published ? `Version ${article.version}` : 'Draft';
}

/** "Imported 2 articles: A, B." or "No articles were imported." */
export function importSummary(report: ImportReport): string {
  const n = report.imported.length;
  if (!n) return 'No articles were imported.';
  return `Imported ${n} ${n === 1 ? 'article' : 'articles'}: ${report.imported.map((f) => f.title).join(', ')}.`;
}

/** "notitle.md was not imported: it has no title: …" (the reason comes from the core). */
export function refusedLine(refused: RefusedFile): string {
  return `${refused.file} was not imported: ${refused.reason}`;
}
