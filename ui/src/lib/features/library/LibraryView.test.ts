import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { afterEach, describe, expect, it } from 'vitest';
import LibraryView from './LibraryView.svelte';
import type { Article, ArticleForm, ArticleHit, ArticleVersion } from '../../api';
import { actor } from '../signin/fixtures';

afterEach(() => clearMocks());

const admin = actor('admin');
const injector = actor('injector');
const receptionist = actor('receptionist');

function hit(id: number, title: string, extra: Partial<ArticleHit> = {}): ArticleHit {
  return { id, title, summary: `About ${title.toLowerCase()}.`, tags: [], kinds: [], published: true, snippet: [], ...extra };
}

const bruising = hit(1, 'Bruising after fillers', {
  tags: ['bruising', 'aftercare'],
  kinds: ['filler'],
  snippet: [
    { text: 'Some ', hit: false },
    { text: 'bruising', hit: true },
    { text: ' is common after <b>filler</b> injections…', hit: false },
  ],
});
const headache = hit(2, 'Headache after neurotoxin', { published: false, kinds: ['neurotoxin'] });

const form: ArticleForm = {
  title: 'Bruising after fillers',
  summary: 'What to expect and when to call.',
  body: '## Bruising\n\nSome bruising is common.',
  tags: ['bruising', 'aftercare'],
  kinds: ['filler'],
  source: 'Clinic team',
  published: true,
};

const article: Article = {
  id: 1,
  form,
  version: 2,
  updatedAt: '2026-11-28T09:00:00Z',
  html: '<h2>Bruising</h2><p>Some bruising is <strong>common</strong>.</p><p>&lt;script&gt;alert(1)&lt;/script&gt;</p>',
};

function version(n: number, extra: Partial<ArticleVersion> = {}): ArticleVersion {
  return {
    articleId: 1,
    version: n,
    savedAt: `2026-11-2${n}T09:00:00Z`,
    savedByName: n === 1 ? 'Ana Ruiz' : 'Ben Ode',
    form: { ...form, body: `Version ${n} text` },
    html: '',
    ...extra,
  };
}

type Handler = (args: Record<string, unknown>) => unknown;

/** A core answering the library's commands; `handlers` override or add commands. */
function backend(handlers: Record<string, Handler> = {}) {
  const calls: { cmd: string; args: Record<string, unknown> }[] = [];
  mockIPC((cmd, args) => {
    calls.push({ cmd, args: args as Record<string, unknown> });
    if (handlers[cmd]) return handlers[cmd](args as Record<string, unknown>);
    if (cmd === 'search_library') return [bruising, headache];
    if (cmd === 'list_library_tags') return ['aftercare', 'bruising'];
    if (cmd === 'get_article') return article;
    if (cmd === 'list_article_versions') return [version(2), version(1)];
    if (cmd === 'get_article_version') return { ...version((args as { version: number }).version), html: '<p>The <em>first</em> words.</p>' };
    return null;
  });
  return calls;
}

/** A Markdown file as picked in the file dialog. */
function markdownFile(name: string, text: string): File {
  const file = new File([text], name, { type: 'text/markdown' });
  // jsdom's File has no `text()` (the WebView's has).
  if (typeof file.text !== 'function') Object.defineProperty(file, 'text', { value: async () => text });
  return file;
}

function searches(calls: { cmd: string; args: Record<string, unknown> }[]) {
  return calls.filter((c) => c.cmd === 'search_library').map((c) => c.args.query);
}

describe('LibraryView', () => {
  it('lists every article at first, with summary, tags and a Draft badge', async () => {
    const calls = backend();
    render(LibraryView, { me: injector });
    expect(screen.getByRole('heading', { name: 'Library' })).toBeInTheDocument();
    const results = await screen.findAllByTestId('article-result');
    expect(results).toHaveLength(2);
    expect(within(results[0]).getByRole('button', { name: 'Bruising after fillers' })).toBeInTheDocument();
    expect(results[0]).toHaveTextContent('About bruising after fillers.');
    expect(within(results[0]).getByText('aftercare')).toHaveClass('badge');
    expect(within(results[0]).getByText('Dermal filler')).toHaveClass('badge');
    expect(within(results[0]).queryByText('Draft')).toBeNull();
    expect(within(results[1]).getByText('Draft')).toHaveClass('badge');
    expect(searches(calls)).toEqual([{ text: '', tag: null, kind: null }]);
  });

  it('searches as you type and marks the matched words', async () => {
    const calls = backend({
      search_library: ({ query }) => ((query as { text: string }).text === 'bruis' ? [bruising] : [bruising, headache]),
    });
    render(LibraryView, { me: receptionist });
    await screen.findAllByTestId('article-result');
    await userEvent.type(screen.getByLabelText('Search the library'), 'bruis');
    await waitFor(() => expect(screen.getAllByTestId('article-result')).toHaveLength(1));

    const snippet = screen.getByTestId('article-snippet');
    expect([...snippet.querySelectorAll('mark')].map((m) => m.textContent)).toEqual(['bruising']);
    // The snippet is text: markup in an article's words is shown, never run.
    expect(snippet).toHaveTextContent('Some bruising is common after <b>filler</b> injections…');
    expect(snippet.querySelector('b')).toBeNull();
    // Typing waits for a pause: not one search per keystroke.
    expect(searches(calls).at(-1)).toEqual({ text: 'bruis', tag: null, kind: null });
    expect(searches(calls).length).toBeLessThan(6);
  });

  it('filters by tag and treatment kind', async () => {
    const calls = backend();
    render(LibraryView, { me: receptionist });
    const tagSelect = screen.getByLabelText('Tag');
    await within(tagSelect).findByRole('option', { name: 'bruising' });
    expect(within(tagSelect).getAllByRole('option').map((o) => o.textContent)).toEqual(['All tags', 'aftercare', 'bruising']);
    expect(within(screen.getByLabelText('Treatment kind')).getAllByRole('option').map((o) => o.textContent)).toEqual([
      'All kinds',
      'Neurotoxin',
      'Dermal filler',
      'Other',
    ]);
    await userEvent.selectOptions(tagSelect, 'bruising');
    await userEvent.selectOptions(screen.getByLabelText('Treatment kind'), 'Dermal filler');
    await waitFor(() => expect(searches(calls).at(-1)).toEqual({ text: '', tag: 'bruising', kind: 'filler' }));
  });

  it('says so when nothing is found', async () => {
    backend({ search_library: () => [] });
    render(LibraryView, { me: receptionist });
    expect(await screen.findByText('No articles found.')).toBeInTheDocument();
  });

  it('lets receptionists read but not write or import', async () => {
    backend();
    render(LibraryView, { me: receptionist });
    await screen.findAllByTestId('article-result');
    expect(screen.queryByRole('button', { name: 'New article' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Import Markdown files' })).toBeNull();
    expect(screen.queryByLabelText('Markdown files to import')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Aftercare templates' })).toBeNull();
  });

  it('imports Markdown files and reports the refused ones with their reason', async () => {
    const reason = 'it has no title: start the file with front matter (---, then title: …, then ---).';
    const calls = backend({
      import_articles: () => ({
        imported: [
          { file: 'bruising.md', articleId: 7, title: 'Bruising after fillers' },
          { file: 'swelling.md', articleId: 8, title: 'Swelling' },
        ],
        refused: [{ file: 'notitle.md', reason }],
      }),
    });
    render(LibraryView, { me: injector });
    await screen.findAllByTestId('article-result');
    expect(screen.getByRole('button', { name: 'Import Markdown files' })).toBeInTheDocument();
    const files = [
      markdownFile('bruising.md', '---\ntitle: Bruising after fillers\n---\nText'),
      markdownFile('swelling.md', '---\ntitle: Swelling\n---\nText'),
      markdownFile('notitle.md', 'Just text'),
    ];
    await userEvent.upload(screen.getByLabelText('Markdown files to import'), files);

    const report = await screen.findByTestId('import-report');
    expect(report).toHaveTextContent('Imported 2 articles: Bruising after fillers, Swelling.');
    expect(report).toHaveTextContent(`notitle.md was not imported: ${reason}`);
    expect(calls.find((c) => c.cmd === 'import_articles')?.args).toEqual({
      files: [
        { name: 'bruising.md', text: '---\ntitle: Bruising after fillers\n---\nText' },
        { name: 'swelling.md', text: '---\ntitle: Swelling\n---\nText' },
        { name: 'notitle.md', text: 'Just text' },
      ],
    });
    // The list is searched again to show the new articles.
    await waitFor(() => expect(searches(calls)).toHaveLength(2));
  });

  it('opens an article with its text and versions, and reads an earlier version in place', async () => {
    const calls = backend();
    render(LibraryView, { me: receptionist });
    await userEvent.click(await screen.findByRole('button', { name: 'Bruising after fillers' }));

    expect(await screen.findByRole('heading', { level: 1, name: 'Bruising after fillers' })).toBeInTheDocument();
    expect(screen.queryByTestId('article-result')).toBeNull();
    const body = document.querySelector('article.article-body')!;
    expect(within(body as HTMLElement).getByRole('heading', { name: 'Bruising' })).toBeInTheDocument();
    expect(body.querySelector('strong')).toHaveTextContent('common');
    expect(body.querySelector('script')).toBeNull();
    const meta = screen.getByTestId('article-meta');
    expect(meta).toHaveTextContent('Version 2');
    expect(meta).toHaveTextContent('Dermal filler');
    expect(meta).toHaveTextContent('Source: Clinic team');
    expect(meta).toHaveTextContent('updated 28/11/2026');

    const versions = screen.getAllByTestId('article-version');
    expect(versions.map((v) => v.textContent)).toEqual([
      expect.stringContaining('Version 2, saved 22/11/2026'),
      expect.stringContaining('Version 1, saved 21/11/2026'),
    ]);
    expect(versions[1]).toHaveTextContent('by Ana Ruiz');
    // Receptionists read only.
    expect(screen.queryByRole('button', { name: 'Edit article' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Export as Markdown' })).toBeNull();

    await userEvent.click(screen.getByRole('button', { name: 'Read version 1' }));
    expect(await screen.findByTestId('version-note')).toHaveTextContent('You are reading version 1 of 2');
    expect(document.querySelector('article.article-body em')).toHaveTextContent('first');
    expect(calls.find((c) => c.cmd === 'get_article_version')?.args).toEqual({ id: 1, version: 1 });

    await userEvent.click(screen.getByRole('button', { name: 'Back to the current version' }));
    expect(screen.queryByTestId('version-note')).toBeNull();
    expect(document.querySelector('article.article-body strong')).toHaveTextContent('common');

    await userEvent.click(screen.getByRole('button', { name: 'Back to the library' }));
    expect(await screen.findAllByTestId('article-result')).toHaveLength(2);
  });

  it('exports an article as Markdown where the person chooses', async () => {
    // The shell asks where with the native dialog and answers with the file's name.
    const calls = backend({ export_article_markdown: () => 'bruising-after-fillers.md' });
    render(LibraryView, { me: admin });
    await userEvent.click(await screen.findByRole('button', { name: 'Bruising after fillers' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Export as Markdown' }));
    expect(await screen.findByText('Saved bruising-after-fillers.md.')).toBeInTheDocument();
    // The page names no path: the person chose it in the shell's dialog.
    expect(calls.some((c) => c.cmd.startsWith('plugin:dialog'))).toBe(false);
    expect(calls.find((c) => c.cmd === 'export_article_markdown')?.args).toEqual({ id: 1 });
  });

  it('says nothing when the person cancels the export', async () => {
    const calls = backend({ export_article_markdown: () => null });
    render(LibraryView, { me: admin });
    await userEvent.click(await screen.findByRole('button', { name: 'Bruising after fillers' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Export as Markdown' }));
    await waitFor(() => expect(calls.some((c) => c.cmd === 'export_article_markdown')).toBe(true));
    expect(screen.queryByRole('status')).toBeNull();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('writes a new article: tags split by commas, kinds from the boxes, published from Status', async () => {
    const calls = backend({ create_article: ({ form }) => ({ ...article, id: 9, form, version: 1 }) });
    render(LibraryView, { me: injector });
    await userEvent.click(screen.getByRole('button', { name: 'New article' }));
    expect(screen.getByRole('heading', { name: 'New article' })).toBeInTheDocument();

    await userEvent.type(screen.getByLabelText('Title'), 'Swelling after lips');
    await userEvent.type(screen.getByLabelText('Summary'), 'Expect it for two days.');
    await userEvent.type(screen.getByLabelText('Text (Markdown)'), '## Swelling{Enter}{Enter}Cold packs help.');
    await userEvent.type(screen.getByLabelText('Tags'), 'swelling,  lips , ,aftercare');
    await userEvent.click(screen.getByLabelText('Other'));
    await userEvent.click(screen.getByLabelText('Dermal filler'));
    await userEvent.type(screen.getByLabelText('Source'), 'Dr Ode');
    await userEvent.selectOptions(screen.getByLabelText('Status'), 'Published');
    await userEvent.click(screen.getByRole('button', { name: 'Save article' }));

    await waitFor(() => expect(calls.some((c) => c.cmd === 'create_article')).toBe(true));
    expect(calls.find((c) => c.cmd === 'create_article')?.args).toEqual({
      form: {
        title: 'Swelling after lips',
        summary: 'Expect it for two days.',
        body: '## Swelling\n\nCold packs help.',
        tags: ['swelling', 'lips', 'aftercare'],
        kinds: ['filler', 'other'],
        source: 'Dr Ode',
        published: true,
      },
    });
    // The saved article opens in the reader.
    await waitFor(() => expect(calls.filter((c) => c.cmd === 'get_article').map((c) => c.args.id)).toEqual([9]));
  });

  it('shows the field errors of a refused article beside their fields', async () => {
    backend({
      create_article: () => {
        throw {
          code: 'validation',
          message: 'The title is required.',
          field: 'title',
          fieldErrors: [
            { field: 'title', message: 'The title is required.' },
            { field: 'body', message: 'The article has no text.' },
            { field: 'tags', message: 'Tags are short words or phrases, separated by commas.' },
          ],
          duplicates: [],
        };
      },
    });
    render(LibraryView, { me: admin });
    await userEvent.click(screen.getByRole('button', { name: 'New article' }));
    await userEvent.click(screen.getByRole('button', { name: 'Save article' }));
    expect(await screen.findByTestId('error-title')).toHaveTextContent('The title is required.');
    expect(screen.getByTestId('error-body')).toHaveTextContent('The article has no text.');
    expect(screen.getByTestId('error-tags')).toHaveTextContent('Tags are short words or phrases');
    expect(screen.getByLabelText('Title')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByLabelText('Text (Markdown)')).toHaveAttribute('aria-invalid', 'true');
  });

  it('edits an article from the reader, starting from its form', async () => {
    const calls = backend({ update_article: ({ form }) => ({ ...article, form, version: 3 }) });
    render(LibraryView, { me: injector });
    await userEvent.click(await screen.findByRole('button', { name: 'Bruising after fillers' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Edit article' }));

    expect(screen.getByLabelText('Title')).toHaveValue('Bruising after fillers');
    expect(screen.getByLabelText('Tags')).toHaveValue('bruising, aftercare');
    expect(screen.getByLabelText('Dermal filler')).toBeChecked();
    expect(screen.getByLabelText('Neurotoxin')).not.toBeChecked();
    expect(screen.getByLabelText('Status')).toHaveValue('published');

    await userEvent.selectOptions(screen.getByLabelText('Status'), 'Draft');
    await userEvent.click(screen.getByRole('button', { name: 'Save article' }));
    await waitFor(() => expect(calls.some((c) => c.cmd === 'update_article')).toBe(true));
    expect(calls.find((c) => c.cmd === 'update_article')?.args).toEqual({ id: 1, form: { ...form, published: false } });
  });

  it('switches to the aftercare templates for writers', async () => {
    backend({
      list_aftercare_templates: () => [
        { id: 1, kind: 'neurotoxin', version: 1, title: 'After your treatment', body: 'Stay upright.', savedAt: '2026-11-01T09:00:00Z', savedByName: 'Glabella' },
      ],
      get_handout_paper: () => 'a4',
    });
    render(LibraryView, { me: admin });
    await userEvent.click(screen.getByRole('button', { name: 'Aftercare templates' }));
    expect(await screen.findByRole('heading', { name: 'Neurotoxin aftercare' })).toBeInTheDocument();
    expect(screen.queryByLabelText('Search the library')).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Articles' }));
    expect(screen.getByLabelText('Search the library')).toBeInTheDocument();
  });
});
