// How sessions read on screen: doses with their brand's unit and the one-line
// summaries of the chart's timeline and the "last visit" line.
import type { DoseUnit, ProductTotal, SessionSummary } from '../../api';

/** "20 U", "0.5 mL": a dose always carries its unit. (Numbers come from Rust as
 * `number | null`, null standing for a non-finite value, which the core never stores.) */
export function dose(value: number | null, unit: DoseUnit): string {
  return `${Number((value ?? 0).toFixed(3))} ${unit}`;
}

/** "Botox Cosmetic 100 U: 30 U (lot C1234)": never one total across products. */
export function productLine(t: ProductTotal): string {
  const lots = t.lotNumbers.length === 1 ? 'lot' : 'lots';
  return `${t.productName}: ${dose(t.dose, t.unit)} (${lots} ${t.lotNumbers.join(', ')})`;
}

/** "Glabella 20 U, Forehead 10 U Botox Cosmetic 100 U, lot C1234": what was done at a
 * session, product by product (units of different brands are never added up). */
export function visitLine(s: SessionSummary): string {
  if (!s.products.length) return 'no injection points recorded';
  return s.products
    .map((p) => {
      const areas = s.areas.filter((a) => a.productName === p.productName).map((a) => `${a.areaLabel} ${dose(a.dose, a.unit)}`);
      return `${areas.join(', ')} ${p.productName}, lot ${p.lotNumbers.join(', ')}`;
    })
    .join('; ');
}
