import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import SignInView from './SignInView.svelte';
import type { Actor } from '../../api';
import { actor } from './fixtures';

afterEach(() => clearMocks());

const avery: Actor = actor('admin', { userId: 1, username: 'avery', displayName: 'Avery Admin' });

describe('SignInView', () => {
  it('says only "Wrong username or password." and clears the password', async () => {
    mockIPC(() => {
      throw { code: 'auth.failed', message: 'Wrong username or password.', field: null, fieldErrors: [], duplicates: [] };
    });
    const onSignedIn = vi.fn();
    render(SignInView, { onSignedIn });
    await userEvent.type(screen.getByLabelText('Username'), 'avery');
    await userEvent.type(screen.getByLabelText('Password'), 'guess');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByTestId('sign-in-error')).toHaveTextContent('Wrong username or password.');
    expect(screen.getByLabelText('Password')).toHaveValue('');
    expect(onSignedIn).not.toHaveBeenCalled();
  });

  it('unlocks as the person who locked, or lets someone else sign in', async () => {
    const calls: unknown[] = [];
    mockIPC((_cmd, args) => {
      calls.push(args);
      return avery;
    });
    const onSignedIn = vi.fn();
    render(SignInView, { lockedUser: avery, onSignedIn });
    expect(screen.getByRole('heading', { name: 'Glabella is locked' })).toBeInTheDocument();
    expect(screen.queryByLabelText('Username')).toBeNull();
    await userEvent.type(screen.getByLabelText('Password'), 'correct horse battery');
    await userEvent.click(screen.getByRole('button', { name: 'Unlock' }));
    expect(calls).toEqual([{ username: 'avery', password: 'correct horse battery' }]);
    expect(onSignedIn).toHaveBeenCalledWith(avery);

    await userEvent.click(screen.getByRole('button', { name: 'Sign in as someone else' }));
    expect(screen.getByLabelText('Username')).toBeInTheDocument();
  });
});
