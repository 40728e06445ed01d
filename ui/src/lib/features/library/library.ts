// How the library reads on screen: who may write, tags typed as text, the kinds in
// their usual order, the import report's sentences, an article's status line and the
// name offered when an article is exported, shared by the library's views.
import type { Actor, Article, ArticleForm, ImportReport, RefusedFile, TreatmentKind } from '../../api';
import { KIND_LABELS } from '../stock/stock';

/** The treatment kinds in the order they are listed everywhere (that of `KIND_LABELS`). */
export const KINDS = Object.keys(KIND_LABELS) as TreatmentKind[];

/**
 * The placeholders an aftercare template may use, filled with the patient's data when
 * a handout is printed (the core refuses any other).
 */
export const TEMPLATE_PLACEHOLDERS = ['first_name', 'session_date', 'treatment', 'follow_up_date', 'clinic_phone'] as const;

/** `{{first_name}}`: a placeholder as it is written in a template. */
export function placeholder(name: string): string {
  return `{{${name}}}`;
}

/** Admins and injectors write articles and templates; receptionists only read. */
export function canWrite(me: Actor): boolean {
  return me.role !== 'receptionist';
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

/** The kinds ticked, in the usual order and without repeats. */
export function orderedKinds(kinds: TreatmentKind[]): TreatmentKind[] {
  return KINDS.filter((k) => kinds.includes(k));
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

/** A file name for the article's title: "bruising-after-fillers", or "article". */
export function slug(title: string): string {
  const s = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return s || 'article';
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
