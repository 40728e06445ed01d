import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { afterEach, describe, expect, it } from 'vitest';
import ProductsView from './ProductsView.svelte';
import type { Product, ProductForm } from '../../api';

afterEach(() => clearMocks());

const botox50: Product = {
  id: 1,
  form: { name: 'Botox Cosmetic 50 U', kind: 'neurotoxin', unit: 'U', size: 50, defaultDiluentMl: 1.25, doseScaleMin: 1, doseScaleMax: 1, gtin: '00361234567890' },
  retired: false,
};
const restylane: Product = {
  id: 2,
  form: { name: 'Restylane Lyft 1 mL', kind: 'filler', unit: 'mL', size: 1, defaultDiluentMl: null, doseScaleMin: null, doseScaleMax: null, gtin: '' },
  retired: false,
};
const xeomin: Product = {
  id: 3,
  form: { name: 'Xeomin 100 U', kind: 'neurotoxin', unit: 'U', size: 100, defaultDiluentMl: 2.5, doseScaleMin: null, doseScaleMax: null, gtin: '' },
  retired: true,
};

/** A core holding these products; `handlers` answer the other commands. */
function backend(handlers: Record<string, (args: Record<string, unknown>) => unknown> = {}) {
  const calls: { cmd: string; args: Record<string, unknown> }[] = [];
  mockIPC((cmd, args) => {
    calls.push({ cmd, args: args as Record<string, unknown> });
    if (cmd === 'list_products') return [botox50, restylane, xeomin];
    if (handlers[cmd]) return handlers[cmd](args as Record<string, unknown>);
    return null;
  });
  return calls;
}

function saved(form: ProductForm, id = 9): Product {
  return { id, form, retired: false };
}

describe('ProductsView', () => {
  it('lists the products with their size, diluent, GTIN and status', async () => {
    backend();
    render(ProductsView);
    const rows = await screen.findAllByTestId('product-row');
    const cells = (row: HTMLElement) => within(row).getAllByRole('cell').slice(0, 7).map((c) => c.textContent);
    expect(cells(rows[0])).toEqual(['Botox Cosmetic 50 U', 'Neurotoxin', 'U', '50 U', '1.25 mL', '00361234567890', 'Active']);
    expect(cells(rows[1])).toEqual(['Restylane Lyft 1 mL', 'Dermal filler', 'mL', '1 mL', '—', '—', 'Active']);
    expect(cells(rows[2])).toEqual(['Xeomin 100 U', 'Neurotoxin', 'U', '100 U', '2.5 mL', '—', 'Retired']);
    expect(screen.getByRole('button', { name: 'Bring back Xeomin 100 U' })).toBeInTheDocument();
  });

  it('retires a product', async () => {
    const calls = backend({ set_product_retired: () => ({ ...botox50, retired: true }) });
    render(ProductsView);
    await userEvent.click(await screen.findByRole('button', { name: 'Retire Botox Cosmetic 50 U' }));
    expect(await screen.findByText(/Botox Cosmetic 50 U retired/)).toBeInTheDocument();
    expect(calls.find((c) => c.cmd === 'set_product_retired')?.args).toEqual({ id: 1, retired: true });
    expect(calls.filter((c) => c.cmd === 'list_products')).toHaveLength(2);
  });

  it('brings a retired product back', async () => {
    const calls = backend({ set_product_retired: () => ({ ...xeomin, retired: false }) });
    render(ProductsView);
    await userEvent.click(await screen.findByRole('button', { name: 'Bring back Xeomin 100 U' }));
    expect(await screen.findByText('Xeomin 100 U is back in use.')).toBeInTheDocument();
    expect(calls.find((c) => c.cmd === 'set_product_retired')?.args).toEqual({ id: 3, retired: false });
  });

  it('adds a toxin with its numbers parsed, empty ones sent as null', async () => {
    const calls = backend({ create_product: ({ form }) => saved(form as ProductForm) });
    render(ProductsView);
    expect(screen.getByRole('heading', { name: 'Add a product' })).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText('Name'), 'Dysport 300 U');
    await userEvent.type(screen.getByLabelText('Size'), '300');
    await userEvent.type(screen.getByLabelText('Default diluent (mL)'), '2,5');
    await userEvent.type(screen.getByLabelText('Dose scale from'), '2.5');
    await userEvent.click(screen.getByRole('button', { name: 'Add product' }));
    expect(await screen.findByText('Added Dysport 300 U.')).toBeInTheDocument();
    expect(calls.find((c) => c.cmd === 'create_product')?.args).toEqual({
      form: { name: 'Dysport 300 U', kind: 'neurotoxin', unit: 'U', size: 300, defaultDiluentMl: 2.5, doseScaleMin: 2.5, doseScaleMax: null, gtin: '' },
    });
    expect(screen.getByLabelText('Name')).toHaveValue('');
  });

  it('adds a filler in mL, without the toxin-only fields', async () => {
    const calls = backend({ create_product: ({ form }) => saved(form as ProductForm) });
    render(ProductsView);
    await userEvent.selectOptions(screen.getByLabelText('Kind'), 'Dermal filler');
    expect(screen.getByLabelText('Unit')).toHaveValue('mL');
    expect(screen.queryByLabelText('Default diluent (mL)')).toBeNull();
    expect(screen.queryByLabelText('Dose scale from')).toBeNull();
    await userEvent.type(screen.getByLabelText('Name'), 'Juvéderm Voluma 1 mL');
    await userEvent.type(screen.getByLabelText('Size'), '1');
    await userEvent.type(screen.getByLabelText('GTIN'), '03612345678907');
    await userEvent.click(screen.getByRole('button', { name: 'Add product' }));
    await screen.findByText('Added Juvéderm Voluma 1 mL.');
    expect(calls.find((c) => c.cmd === 'create_product')?.args).toEqual({
      form: { name: 'Juvéderm Voluma 1 mL', kind: 'filler', unit: 'mL', size: 1, defaultDiluentMl: null, doseScaleMin: null, doseScaleMax: null, gtin: '03612345678907' },
    });
  });

  it('asks for a number without calling the core', async () => {
    const calls = backend();
    render(ProductsView);
    await userEvent.type(screen.getByLabelText('Name'), 'Dysport 300 U');
    await userEvent.type(screen.getByLabelText('Size'), 'three hundred');
    await userEvent.type(screen.getByLabelText('Dose scale to'), '3x');
    await userEvent.click(screen.getByRole('button', { name: 'Add product' }));
    expect(await screen.findByTestId('error-size')).toHaveTextContent('Enter a number');
    expect(screen.getByTestId('error-doseScaleMax')).toHaveTextContent('Enter a number');
    expect(screen.getByLabelText('Size')).toHaveAttribute('aria-invalid', 'true');
    expect(calls.some((c) => c.cmd === 'create_product')).toBe(false);
  });

  it('shows the field errors from the core beside their fields', async () => {
    backend({
      create_product: () => {
        throw {
          code: 'validation',
          message: 'Name is required, e.g. Botox Cosmetic 100 U.',
          field: 'name',
          fieldErrors: [
            { field: 'name', message: 'Name is required, e.g. Botox Cosmetic 100 U.' },
            { field: 'unit', message: 'Neurotoxins are dosed in units (U).' },
            { field: 'gtin', message: 'A GTIN has 14 digits (scan the box to fill it in), or leave it empty.' },
          ],
          duplicates: [],
        };
      },
    });
    render(ProductsView);
    await userEvent.selectOptions(screen.getByLabelText('Unit'), 'mL');
    await userEvent.type(screen.getByLabelText('Size'), '100');
    await userEvent.type(screen.getByLabelText('GTIN'), '123');
    await userEvent.click(screen.getByRole('button', { name: 'Add product' }));
    expect(await screen.findByTestId('error-name')).toHaveTextContent('Name is required');
    expect(screen.getByTestId('error-unit')).toHaveTextContent('Neurotoxins are dosed in units (U).');
    expect(screen.getByTestId('error-gtin')).toHaveTextContent('A GTIN has 14 digits');
    expect(screen.getByLabelText('GTIN')).toHaveValue('123');
  });

  it('edits a product and saves it under its id', async () => {
    const calls = backend({ update_product: ({ id, form }) => saved(form as ProductForm, id as number) });
    render(ProductsView);
    await userEvent.click(await screen.findByRole('button', { name: 'Edit Botox Cosmetic 50 U' }));
    expect(screen.getByRole('heading', { name: 'Edit Botox Cosmetic 50 U' })).toBeInTheDocument();
    expect(screen.getByLabelText('Size')).toHaveValue('50');
    expect(screen.getByLabelText('Default diluent (mL)')).toHaveValue('1.25');
    await userEvent.clear(screen.getByLabelText('Default diluent (mL)'));
    await userEvent.type(screen.getByLabelText('Default diluent (mL)'), '2');
    await userEvent.click(screen.getByRole('button', { name: 'Save product' }));
    expect(await screen.findByText('Saved Botox Cosmetic 50 U.')).toBeInTheDocument();
    expect(calls.find((c) => c.cmd === 'update_product')?.args).toEqual({
      id: 1,
      form: { ...botox50.form, defaultDiluentMl: 2 },
    });
    expect(screen.getByRole('heading', { name: 'Add a product' })).toBeInTheDocument();
  });

  it('cancels an edit', async () => {
    backend();
    render(ProductsView);
    await userEvent.click(await screen.findByRole('button', { name: 'Edit Restylane Lyft 1 mL' }));
    expect(screen.getByLabelText('Name')).toHaveValue('Restylane Lyft 1 mL');
    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(screen.getByRole('heading', { name: 'Add a product' })).toBeInTheDocument();
    expect(screen.getByLabelText('Name')).toHaveValue('');
  });
});
