// How products and stock are shown: kind labels, amounts with their unit, a lot's
// status, and the numbers typed into the product form, shared by the stock and
// product screens (and the session screens) so they always say the same thing.
import { TREATMENT_KINDS, type DoseUnit, type Lot, type Product, type TreatmentKind } from '../../api';

export const KIND_LABELS: Record<TreatmentKind, string> = {
  neurotoxin: 'Neurotoxin',
  filler: 'Dermal filler',
  other: 'Other',
};

/** The unit new products of a kind are usually measured in. */
export const KIND_UNITS: Record<TreatmentKind, DoseUnit> = {
  neurotoxin: 'U',
  filler: 'mL',
  other: 'mL',
};

/** "2.5", "100", "0.125": at most three decimals, no trailing zeros, no grouping. */
export function formatNumber(value: number): string {
  return String(Math.round(value * 1000) / 1000);
}

/** "100 U", "0.5 mL"; "—" when there is no amount. */
export function amount(value: number | null, unit: DoseUnit): string {
  return value === null ? '—' : `${formatNumber(value)} ${unit}`;
}

/**
 * A number typed into a form: `null` when the field is empty, `NaN` when the text is
 * not a number. A decimal comma is accepted ("2,5" is 2.5).
 */
export function parseNumber(text: string): number | null {
  const t = text.trim();
  if (!t) return null;
  if (!/^-?(\d+([.,]\d*)?|[.,]\d+)$/.test(t)) return NaN;
  return Number(t.replace(',', '.'));
}

/** What the "Status" column says about a lot. */
export function lotStatus(lot: Lot): string {
  if (lot.expired) return 'Expired — set aside';
  if (lot.expiresSoon) return 'Expires soon';
  return 'OK';
}

/** Products grouped by kind, in the order of `TREATMENT_KINDS`, leaving out empty groups. */
export function byKind(products: Product[]): [TreatmentKind, Product[]][] {
  return TREATMENT_KINDS
    .map((kind): [TreatmentKind, Product[]] => [kind, products.filter((p) => p.form.kind === kind)])
    .filter(([, group]) => group.length > 0);
}
