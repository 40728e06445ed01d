import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import ConnectView from './ConnectView.svelte';

afterEach(() => clearMocks());

describe('ConnectView', () => {
  it('sends the address, the code and the name, and goes on once connected', async () => {
    const calls: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      return null;
    });
    const onConnected = vi.fn();
    render(ConnectView, { onConnected, onCancel: vi.fn() });
    await userEvent.type(screen.getByLabelText(/Server address/), '192.168.1.10:7443');
    await userEvent.type(screen.getByLabelText(/Pairing code/), 'K7QM-2XHD-8F3A-PQ1Z-W4NB-R6TC');
    await userEvent.type(screen.getByLabelText(/This computer's name/), 'Room 1');
    await userEvent.click(screen.getByRole('button', { name: 'Connect' }));
    expect(calls).toEqual([['connect_to_server', { address: '192.168.1.10:7443', code: 'K7QM-2XHD-8F3A-PQ1Z-W4NB-R6TC', name: 'Room 1' }]]);
    expect(onConnected).toHaveBeenCalledOnce();
  });

  it('shows a refused code beside the code field and stays', async () => {
    mockIPC(() => {
      throw {
        code: 'validation',
        message: 'invalid',
        field: 'code',
        fieldErrors: [{ field: 'code', message: 'This pairing code is wrong, used or expired. Ask for a new one.' }],
        duplicates: [],
      };
    });
    const onConnected = vi.fn();
    render(ConnectView, { onConnected, onCancel: vi.fn() });
    await userEvent.type(screen.getByLabelText(/Server address/), '192.168.1.10:7443');
    await userEvent.type(screen.getByLabelText(/Pairing code/), 'WRONG');
    await userEvent.click(screen.getByRole('button', { name: 'Connect' }));
    expect(await screen.findByText(/wrong, used or expired/)).toBeInTheDocument();
    expect(onConnected).not.toHaveBeenCalled();
  });
});
