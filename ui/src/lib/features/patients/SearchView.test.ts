import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import SearchView from './SearchView.svelte';
import { summary } from './fixtures';
import { searchState } from './search.svelte';

afterEach(() => {
  clearMocks();
  searchState.query = '';
  searchState.includeArchived = false;
});

function backend(results: Record<string, ReturnType<typeof summary>[]>) {
  const calls: Record<string, unknown>[] = [];
  mockIPC((cmd, args) => {
    if (cmd === 'search_patients') {
      calls.push(args as Record<string, unknown>);
      return results[(args as { query: string }).query] ?? [];
    }
    return null;
  });
  return calls;
}

describe('SearchView', () => {
  it('lists matches as "Family, Given" while typing', async () => {
    backend({ nun: [summary(1, 'María', 'Núñez'), summary(2, 'Nuno', 'Costa')] });
    render(SearchView, { onOpen: vi.fn(), onRegister: vi.fn() });
    await userEvent.type(screen.getByLabelText('Search patients'), 'nun');
    const rows = await screen.findAllByTestId('search-result');
    expect(rows.map((r) => r.querySelector('.result-name')?.textContent)).toEqual(['Núñez, María', 'Costa, Nuno']);
  });

  it('says so when nothing matches', async () => {
    backend({});
    render(SearchView, { onOpen: vi.fn(), onRegister: vi.fn() });
    await userEvent.type(screen.getByLabelText('Search patients'), 'zzz');
    expect(await screen.findByText('No patients found.')).toBeInTheDocument();
  });

  it('opens the highlighted result with the arrow keys and Enter', async () => {
    backend({ a: [summary(1, 'Ann', 'Lee'), summary(2, 'Bo', 'Kim')] });
    const onOpen = vi.fn();
    render(SearchView, { onOpen, onRegister: vi.fn() });
    const box = screen.getByLabelText('Search patients');
    await userEvent.type(box, 'a');
    await screen.findAllByTestId('search-result');
    await userEvent.keyboard('{ArrowDown}{ArrowDown}{Enter}');
    expect(onOpen).toHaveBeenCalledWith(2);
  });

  it('draws all 50 results and reaches the last with the arrow keys', async () => {
    const many = Array.from({ length: 50 }, (_, i) => summary(i + 1, `Given${i + 1}`, 'Family'));
    backend({ fam: many });
    const onOpen = vi.fn();
    render(SearchView, { onOpen, onRegister: vi.fn() });
    await userEvent.type(screen.getByLabelText('Search patients'), 'fam');
    await vi.waitFor(() => expect(screen.getAllByTestId('search-result')).toHaveLength(50));
    await userEvent.keyboard('{ArrowDown>50/}{Enter}');
    expect(onOpen).toHaveBeenCalledWith(50);
  });

  it('asks for archived patients only when the box is ticked', async () => {
    const calls = backend({});
    render(SearchView, { onOpen: vi.fn(), onRegister: vi.fn() });
    await userEvent.type(screen.getByLabelText('Search patients'), 'x');
    await userEvent.click(screen.getByLabelText('Include archived'));
    await screen.findByText('No patients found.');
    expect(calls.map((c) => c.includeArchived)).toEqual([false, true]);
  });

  it('shows markup in names as text', async () => {
    backend({ img: [summary(1, '<img src=x onerror=alert(1)>', 'Test')] });
    const { container } = render(SearchView, { onOpen: vi.fn(), onRegister: vi.fn() });
    await userEvent.type(screen.getByLabelText('Search patients'), 'img');
    expect(await screen.findByText('Test, <img src=x onerror=alert(1)>')).toBeInTheDocument();
    expect(container.querySelector('img')).toBeNull();
  });
});
