import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { afterEach, describe, expect, it } from 'vitest';
import TemplatesView from './TemplatesView.svelte';
import type { AftercareTemplate, TreatmentKind } from '../../api';
import { actor } from '../signin/fixtures';

afterEach(() => clearMocks());

function template(kind: TreatmentKind, version: number, title: string, body: string): AftercareTemplate {
  return { id: version * 10 + kind.length, kind, version, title, body, savedAt: `2026-11-0${version}T09:00:00Z`, savedByName: version === 1 ? 'Glabella' : 'Ana Ruiz' };
}

const templates = [
  template('neurotoxin', 2, 'After your neurotoxin treatment', 'Dear {{first_name}}, stay upright for 4 hours.'),
  template('filler', 1, 'After your filler treatment', 'Some swelling is normal.'),
  template('other', 1, 'After your treatment', 'Call {{clinic_phone}} with any question.'),
];

type Handler = (args: Record<string, unknown>) => unknown;

function backend(handlers: Record<string, Handler> = {}) {
  const calls: { cmd: string; args: Record<string, unknown> }[] = [];
  mockIPC((cmd, args) => {
    calls.push({ cmd, args: args as Record<string, unknown> });
    if (handlers[cmd]) return handlers[cmd](args as Record<string, unknown>);
    if (cmd === 'list_aftercare_templates') return templates;
    if (cmd === 'get_handout_paper') return 'a4';
    if (cmd === 'list_template_versions') return [templates[0], template('neurotoxin', 1, 'After your treatment', 'The first text.')];
    return null;
  });
  return calls;
}

function section(name: string) {
  return screen.findByRole('region', { name });
}

describe('TemplatesView', () => {
  it('shows each kind with its version and says which placeholders are filled', async () => {
    backend();
    render(TemplatesView, { me: actor('injector') });
    expect(screen.getByRole('heading', { name: 'Aftercare templates' })).toBeInTheDocument();
    expect(screen.getByText(/The handout fills/)).toHaveTextContent(
      "The handout fills {{first_name}}, {{session_date}}, {{treatment}}, {{follow_up_date}} and {{clinic_phone}} with the patient's data; the warning signs are printed by the app",
    );
    const toxin = await section('Neurotoxin aftercare');
    expect(toxin).toHaveTextContent('Version 2, saved 02/11/2026');
    expect(toxin).toHaveTextContent('by Ana Ruiz');
    expect(within(toxin).getByLabelText('Title')).toHaveValue('After your neurotoxin treatment');
    expect(within(toxin).getByLabelText('Instructions (Markdown)')).toHaveValue('Dear {{first_name}}, stay upright for 4 hours.');
    expect(await section('Dermal filler aftercare')).toBeInTheDocument();
    expect(await section('Other aftercare')).toBeInTheDocument();
    // Injectors do not choose the paper.
    expect(screen.queryByLabelText('Handout paper size')).toBeNull();
  });

  it("saves a kind's template as a new version", async () => {
    const calls = backend({
      save_aftercare_template: ({ kind, title, body }) => ({ ...template(kind as TreatmentKind, 2, title as string, body as string), savedByName: 'Sam admin' }),
    });
    render(TemplatesView, { me: actor('admin') });
    const filler = await section('Dermal filler aftercare');
    const body = within(filler).getByLabelText('Instructions (Markdown)');
    await userEvent.clear(body);
    await userEvent.type(body, 'Avoid make-up until tomorrow.');
    await userEvent.click(within(filler).getByRole('button', { name: 'Save Dermal filler template' }));

    expect(await within(filler).findByText('Saved as version 2. Handouts print it from now on.')).toBeInTheDocument();
    expect(calls.find((c) => c.cmd === 'save_aftercare_template')?.args).toEqual({
      kind: 'filler',
      title: 'After your filler treatment',
      body: 'Avoid make-up until tomorrow.',
    });
    expect(filler).toHaveTextContent('Version 2, saved 02/11/2026');
    expect(filler).toHaveTextContent('by Sam admin');
  });

  it('shows an unknown placeholder beside the instructions of that kind', async () => {
    const message = '{{patient_name}} is not a placeholder. Use {{first_name}}, {{session_date}}, {{treatment}}, {{follow_up_date}}, {{clinic_phone}}.';
    backend({
      save_aftercare_template: () => {
        throw { code: 'validation', message, field: 'body', fieldErrors: [{ field: 'body', message }], duplicates: [] };
      },
    });
    render(TemplatesView, { me: actor('injector') });
    const toxin = await section('Neurotoxin aftercare');
    await userEvent.click(within(toxin).getByRole('button', { name: 'Save Neurotoxin template' }));
    expect(await screen.findByTestId('error-template-body-neurotoxin')).toHaveTextContent('{{patient_name}} is not a placeholder.');
    expect(within(toxin).getByLabelText('Instructions (Markdown)')).toHaveAttribute('aria-invalid', 'true');
    expect(within(toxin).getByLabelText('Title')).not.toHaveAttribute('aria-invalid');
    expect(screen.queryByTestId('error-template-body-filler')).toBeNull();
  });

  it('lists the earlier versions of a kind', async () => {
    const calls = backend();
    render(TemplatesView, { me: actor('injector') });
    const toxin = await section('Neurotoxin aftercare');
    await userEvent.click(within(toxin).getByRole('button', { name: 'Show Neurotoxin versions' }));
    const versions = await within(toxin).findAllByTestId('template-version');
    expect(versions.map((v) => v.querySelector('summary')?.textContent)).toEqual([
      expect.stringMatching(/^Version 2, saved 02\/11\/2026.* by Ana Ruiz: After your neurotoxin treatment$/),
      expect.stringMatching(/^Version 1, saved 01\/11\/2026.* by Glabella: After your treatment$/),
    ]);
    expect(calls.find((c) => c.cmd === 'list_template_versions')?.args).toEqual({ kind: 'neurotoxin' });
    await userEvent.click(within(toxin).getByRole('button', { name: 'Hide Neurotoxin versions' }));
    expect(within(toxin).queryAllByTestId('template-version')).toHaveLength(0);
  });

  it('lets receptionists read the templates but not edit them', async () => {
    backend();
    render(TemplatesView, { me: actor('receptionist') });
    const other = await section('Other aftercare');
    expect(other).toHaveTextContent('After your treatment');
    expect(other).toHaveTextContent('Call {{clinic_phone}} with any question.');
    expect(screen.queryByRole('textbox')).toBeNull();
    expect(screen.queryByRole('button', { name: /^Save / })).toBeNull();
    expect(screen.queryByLabelText('Handout paper size')).toBeNull();
    expect(within(other).getByRole('button', { name: 'Show Other versions' })).toBeInTheDocument();
  });

  it('lets admins choose the paper handouts print on', async () => {
    const calls = backend({ set_handout_paper: ({ paper }) => paper });
    render(TemplatesView, { me: actor('admin') });
    const select = await screen.findByLabelText('Handout paper size');
    expect(select).toHaveValue('a4');
    await userEvent.selectOptions(select, 'Letter');
    expect(await screen.findByText('Handouts now print on Letter paper.')).toBeInTheDocument();
    await waitFor(() => expect(calls.find((c) => c.cmd === 'set_handout_paper')?.args).toEqual({ paper: 'letter' }));
  });
});
