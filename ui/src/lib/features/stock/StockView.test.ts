import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { afterEach, describe, expect, it } from 'vitest';
import StockView from './StockView.svelte';
import type { Inventory, Lot, LotScan, Product, TreatmentKind } from '../../api';

afterEach(() => clearMocks());

function product(id: number, name: string, kind: TreatmentKind = 'neurotoxin', extra: Partial<Product> = {}): Product {
  const toxin = kind === 'neurotoxin';
  return {
    id,
    form: { name, kind, unit: toxin ? 'U' : 'mL', size: toxin ? 100 : 1, defaultDiluentMl: toxin ? 2.5 : null, doseScaleMin: null, doseScaleMax: null, gtin: '' },
    retired: false,
    ...extra,
  };
}

function lot(id: number, productName: string, lotNumber: string, expiry: string, extra: Partial<Lot> = {}): Lot {
  return {
    id,
    productId: 1,
    productName,
    kind: 'neurotoxin',
    unit: 'U',
    size: 100,
    lotNumber,
    expiry,
    quantity: 3,
    opened: 1,
    unopened: 2,
    drawn: 32,
    expired: false,
    expiresSoon: false,
    ...extra,
  };
}

const botox = product(1, 'Botox Cosmetic 100 U');
const dysport = product(2, 'Dysport 300 U');
const juvederm = product(3, 'Juvéderm Ultra 3 1 mL', 'filler');
const retired = product(4, 'Xeomin 50 U', 'neurotoxin', { retired: true });

const SCAN = '(01)00361234567890(17)271231(10)C1234';
const scanned: LotScan = { gtin: '00361234567890', lotNumber: 'C1234', expiry: '2027-12-31', product: botox };

/** A core with these products and this inventory; `handlers` answer the other commands. */
function backend(inventory: Inventory, handlers: Record<string, (args: Record<string, unknown>) => unknown> = {}) {
  const calls: { cmd: string; args: Record<string, unknown> }[] = [];
  mockIPC((cmd, args) => {
    calls.push({ cmd, args: args as Record<string, unknown> });
    if (cmd === 'list_products') return [botox, dysport, juvederm, retired];
    if (cmd === 'get_inventory') return inventory;
    if (handlers[cmd]) return handlers[cmd](args as Record<string, unknown>);
    return null;
  });
  return calls;
}

const empty: Inventory = { lots: [], lowStock: [] };

describe('StockView', () => {
  it('shows the alerts and one row per lot in stock', async () => {
    backend({
      lots: [
        lot(1, 'Botox Cosmetic 100 U', 'OLD1', '2026-11-27', { expired: true }),
        lot(2, 'Dysport 300 U', 'D1', '2026-12-15', { expiresSoon: true, quantity: 2, opened: 1, unopened: 1, drawn: 0 }),
        lot(3, 'Juvéderm Ultra 3 1 mL', 'J9', '2028-01-31', { kind: 'filler', unit: 'mL', size: 1, drawn: 0.5 }),
      ],
      lowStock: [{ productId: 2, productName: 'Dysport 300 U', unopened: 1 }],
    });
    render(StockView);
    const alerts = await screen.findByTestId('stock-alerts');
    expect(alerts).toHaveAttribute('role', 'status');
    expect(alerts).toHaveTextContent('Low stock: Dysport 300 U — 1 unopened left');
    expect(alerts).toHaveTextContent('Lot D1 of Dysport 300 U expires on 15/12/2026');
    expect(alerts).toHaveTextContent('Lot OLD1 of Botox Cosmetic 100 U expired on 27/11/2026: set it aside');

    const rows = screen.getAllByTestId('lot-row');
    expect(rows).toHaveLength(3);
    const cells = (row: HTMLElement) => within(row).getAllByRole('cell').map((c) => c.textContent);
    expect(cells(rows[0])).toEqual(['Botox Cosmetic 100 U', 'OLD1', '27/11/2026', '3', '1', '2', '32 U', 'Expired — set aside']);
    expect(cells(rows[1])).toEqual(['Dysport 300 U', 'D1', '15/12/2026', '2', '1', '1', '0 U', 'Expires soon']);
    expect(cells(rows[2])).toEqual(['Juvéderm Ultra 3 1 mL', 'J9', '31/01/2028', '3', '1', '2', '0.5 mL', 'OK']);
  });

  it('says so when nothing is in stock, and shows no alerts', async () => {
    backend(empty);
    render(StockView);
    expect(await screen.findByText('No stock recorded yet. Receive a delivery above.')).toBeInTheDocument();
    expect(screen.queryByTestId('stock-alerts')).toBeNull();
  });

  it('offers the products in use, grouped by kind', async () => {
    backend(empty);
    render(StockView);
    const select = screen.getByLabelText('Product');
    await within(select).findByRole('option', { name: 'Botox Cosmetic 100 U' });
    const groups = [...select.querySelectorAll('optgroup')].map((g) => [g.label, [...g.querySelectorAll('option')].map((o) => o.textContent)]);
    expect(groups).toEqual([
      ['Neurotoxin', ['Botox Cosmetic 100 U', 'Dysport 300 U']],
      ['Dermal filler', ['Juvéderm Ultra 3 1 mL']],
    ]);
  });

  it('fills in lot, expiry and product from a scanned barcode without submitting', async () => {
    const calls = backend(empty, { scan_lot_code: ({ text }) => (text === SCAN ? scanned : null) });
    render(StockView);
    await within(screen.getByLabelText('Product')).findByRole('option', { name: 'Botox Cosmetic 100 U' });
    await userEvent.type(screen.getByLabelText('Lot number'), `${SCAN}{Enter}`);
    expect(await screen.findByTestId('scan-notice')).toHaveTextContent('Read from the barcode: lot C1234, expiry 31/12/2027, GTIN 00361234567890');
    expect(screen.getByTestId('scan-notice')).not.toHaveTextContent('This product number is new');
    expect(screen.getByLabelText('Lot number')).toHaveValue('C1234');
    expect(screen.getByLabelText('Expiry date')).toHaveValue('31/12/2027');
    expect(screen.getByLabelText('Product')).toHaveValue('1');
    expect(calls.filter((c) => c.cmd === 'scan_lot_code').map((c) => c.args.text)).toEqual([SCAN]);
    expect(calls.some((c) => c.cmd === 'receive_lot')).toBe(false);
  });

  it('asks for the product when the scanned product number is new', async () => {
    backend(empty, { scan_lot_code: () => ({ ...scanned, product: null }) });
    render(StockView);
    await userEvent.type(screen.getByLabelText('Lot number'), `${SCAN}{Enter}`);
    expect(await screen.findByTestId('scan-notice')).toHaveTextContent('This product number is new: choose the product and it will be remembered.');
    expect(screen.getByLabelText('Product')).toHaveValue('');
  });

  it('shows why a damaged barcode could not be read beside the lot field', async () => {
    backend(empty, {
      scan_lot_code: () => {
        const message = "The barcode's product number (GTIN) fails its check digit; scan it again.";
        throw { code: 'validation', message, field: 'lotNumber', fieldErrors: [{ field: 'lotNumber', message }], duplicates: [] };
      },
    });
    render(StockView);
    await userEvent.type(screen.getByLabelText('Lot number'), '0100361234567891{Enter}');
    expect(await screen.findByTestId('error-lotNumber')).toHaveTextContent('fails its check digit; scan it again.');
  });

  it('receives a scanned delivery with the GTIN and reloads the stock', async () => {
    const calls = backend(empty, {
      scan_lot_code: () => scanned,
      receive_lot: () => lot(9, 'Botox Cosmetic 100 U', 'C1234', '2027-12-31', { quantity: 5, opened: 0, unopened: 5 }),
    });
    render(StockView);
    await within(screen.getByLabelText('Product')).findByRole('option', { name: 'Botox Cosmetic 100 U' });
    await userEvent.type(screen.getByLabelText('Lot number'), `${SCAN}{Enter}`);
    await screen.findByTestId('scan-notice');
    await userEvent.clear(screen.getByLabelText('Quantity'));
    await userEvent.type(screen.getByLabelText('Quantity'), '5');
    await userEvent.click(screen.getByRole('button', { name: 'Receive stock' }));

    expect(await screen.findByText('Received 5 × Botox Cosmetic 100 U, lot C1234 (expiry 31/12/2027).')).toBeInTheDocument();
    expect(calls.find((c) => c.cmd === 'receive_lot')?.args).toEqual({
      form: { productId: 1, lotNumber: 'C1234', expiry: '31/12/2027', quantity: 5, gtin: '00361234567890' },
    });
    expect(screen.getByLabelText('Lot number')).toHaveValue('');
    expect(screen.getByLabelText('Expiry date')).toHaveValue('');
    expect(screen.getByLabelText('Quantity')).toHaveValue('1');
    expect(screen.queryByTestId('scan-notice')).toBeNull();
    expect(calls.filter((c) => c.cmd === 'get_inventory')).toHaveLength(2);
  });

  it('submits a typed lot number on Enter', async () => {
    const calls = backend(empty, {
      receive_lot: () => lot(9, 'Dysport 300 U', 'D77', '2027-06-30', { quantity: 1 }),
    });
    render(StockView);
    await within(screen.getByLabelText('Product')).findByRole('option', { name: 'Dysport 300 U' });
    await userEvent.selectOptions(screen.getByLabelText('Product'), 'Dysport 300 U');
    await userEvent.type(screen.getByLabelText('Expiry date'), '30/06/2027');
    await userEvent.type(screen.getByLabelText('Lot number'), 'D77{Enter}');
    expect(await screen.findByText('Received 1 × Dysport 300 U, lot D77 (expiry 30/06/2027).')).toBeInTheDocument();
    expect(calls.find((c) => c.cmd === 'receive_lot')?.args).toEqual({
      form: { productId: 2, lotNumber: 'D77', expiry: '30/06/2027', quantity: 1, gtin: '' }, // as typed: the core reads it
    });
  });

  it('shows an expired lot beside the expiry date', async () => {
    backend(empty, {
      receive_lot: () => {
        throw {
          code: 'lot.expired',
          message: 'Lot OLD1 expired on 27/11/2026. Expired stock cannot be used; set it aside.',
          field: 'expiry',
          fieldErrors: [],
          duplicates: [],
        };
      },
    });
    render(StockView);
    await within(screen.getByLabelText('Product')).findByRole('option', { name: 'Botox Cosmetic 100 U' });
    await userEvent.selectOptions(screen.getByLabelText('Product'), 'Botox Cosmetic 100 U');
    await userEvent.type(screen.getByLabelText('Lot number'), 'OLD1');
    await userEvent.type(screen.getByLabelText('Expiry date'), '2026-11-27');
    await userEvent.click(screen.getByRole('button', { name: 'Receive stock' }));
    expect(await screen.findByTestId('error-expiry')).toHaveTextContent('Lot OLD1 expired on 27/11/2026. Expired stock cannot be used; set it aside.');
    expect(screen.getByLabelText('Expiry date')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByLabelText('Lot number')).toHaveValue('OLD1');
  });

  it('shows the field errors of a refused delivery beside their fields', async () => {
    backend(empty, {
      receive_lot: () => {
        throw {
          code: 'validation',
          message: 'Choose the product.',
          field: 'productId',
          fieldErrors: [
            { field: 'productId', message: 'Choose the product.' },
            { field: 'lotNumber', message: 'The lot number is required (it is printed on the box and the vial).' },
          ],
          duplicates: [],
        };
      },
    });
    render(StockView);
    await userEvent.click(screen.getByRole('button', { name: 'Receive stock' }));
    expect(await screen.findByTestId('error-productId')).toHaveTextContent('Choose the product.');
    expect(screen.getByTestId('error-lotNumber')).toHaveTextContent('The lot number is required');
    expect(screen.getByLabelText('Product')).toHaveAttribute('aria-invalid', 'true');
  });

  it('asks for a whole number of vials without calling the core', async () => {
    const calls = backend(empty);
    render(StockView);
    await userEvent.clear(screen.getByLabelText('Quantity'));
    await userEvent.type(screen.getByLabelText('Quantity'), 'two');
    await userEvent.click(screen.getByRole('button', { name: 'Receive stock' }));
    expect(await screen.findByTestId('error-quantity')).toHaveTextContent('Enter a whole number');
    expect(calls.some((c) => c.cmd === 'receive_lot')).toBe(false);
  });
});
