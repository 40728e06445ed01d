-- Version 4: the article library (with full-text search and versions), the clinic's
-- aftercare templates (versioned), its logo for the handouts' header, and the record
-- of every handout given.

CREATE TABLE articles (
    id          INTEGER PRIMARY KEY,
    title       TEXT NOT NULL,
    summary     TEXT NOT NULL DEFAULT '',
    body        TEXT NOT NULL,                  -- Markdown
    tags        TEXT NOT NULL DEFAULT '',       -- ",tag,other," for exact filtering
    kinds       TEXT NOT NULL DEFAULT '',       -- ",neurotoxin,filler,"
    source      TEXT NOT NULL DEFAULT '',
    published   INTEGER NOT NULL DEFAULT 0,
    version     INTEGER NOT NULL DEFAULT 0,     -- the latest published version, 0 if never
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  INTEGER REFERENCES users (id)
);

-- Every published save, kept for good: handouts name the version they printed.
CREATE TABLE article_versions (
    article_id  INTEGER NOT NULL REFERENCES articles (id),
    version     INTEGER NOT NULL,
    title       TEXT NOT NULL,
    summary     TEXT NOT NULL,
    body        TEXT NOT NULL,
    tags        TEXT NOT NULL,
    kinds       TEXT NOT NULL,
    source      TEXT NOT NULL,
    saved_at    TEXT NOT NULL,
    saved_by    INTEGER REFERENCES users (id),
    PRIMARY KEY (article_id, version)
) WITHOUT ROWID;

CREATE TRIGGER article_versions_no_update BEFORE UPDATE ON article_versions
BEGIN
    SELECT RAISE(ABORT, 'article versions are kept as they were saved');
END;

CREATE TRIGGER article_versions_no_delete BEFORE DELETE ON article_versions
BEGIN
    SELECT RAISE(ABORT, 'article versions are kept as they were saved');
END;

-- Full-text index over the current text of each article, kept in step by triggers.
CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, summary, body, tags,
    content = 'articles', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles
BEGIN
    INSERT INTO articles_fts (rowid, title, summary, body, tags)
    VALUES (NEW.id, NEW.title, NEW.summary, NEW.body, NEW.tags);
END;

CREATE TRIGGER articles_fts_update AFTER UPDATE ON articles
BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, summary, body, tags)
    VALUES ('delete', OLD.id, OLD.title, OLD.summary, OLD.body, OLD.tags);
    INSERT INTO articles_fts (rowid, title, summary, body, tags)
    VALUES (NEW.id, NEW.title, NEW.summary, NEW.body, NEW.tags);
END;

CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles
BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, summary, body, tags)
    VALUES ('delete', OLD.id, OLD.title, OLD.summary, OLD.body, OLD.tags);
END;

-- Aftercare instructions per treatment kind, in Markdown with named placeholders.
-- The newest version of a kind is the one in use; every save is a new version.
CREATE TABLE aftercare_templates (
    id        INTEGER PRIMARY KEY,
    kind      TEXT NOT NULL CHECK (kind IN ('neurotoxin', 'filler', 'other')),
    version   INTEGER NOT NULL,
    title     TEXT NOT NULL,
    body      TEXT NOT NULL,
    saved_at  TEXT NOT NULL,
    saved_by  INTEGER REFERENCES users (id),
    UNIQUE (kind, version)
);

CREATE TRIGGER aftercare_templates_no_update BEFORE UPDATE ON aftercare_templates
BEGIN
    SELECT RAISE(ABORT, 'template versions are kept as they were saved');
END;

-- The clinic's logo (PNG or JPEG), printed at the top of handouts; at most one.
CREATE TABLE clinic_logo (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    image     BLOB NOT NULL,
    saved_at  TEXT NOT NULL
);

-- Each handout given: what went into it (the template and article versions, and the
-- exact data it was typeset from, so a reprint is the same document), by whom, when,
-- and the SHA-256 of the PDF.
CREATE TABLE handouts (
    id           INTEGER PRIMARY KEY,
    session_id   INTEGER NOT NULL REFERENCES sessions (id),
    patient_id   INTEGER NOT NULL REFERENCES patients (id),
    template_id  INTEGER NOT NULL REFERENCES aftercare_templates (id),
    articles     TEXT NOT NULL,                 -- JSON [[article id, version], …]
    input        TEXT NOT NULL,                 -- JSON of the handout's data
    sha256       TEXT NOT NULL,
    given_at     TEXT NOT NULL,
    given_by     INTEGER NOT NULL REFERENCES users (id),
    how          TEXT NOT NULL CHECK (how IN ('print', 'pdf'))
);

CREATE INDEX handouts_patient_idx ON handouts (patient_id, given_at);

CREATE TRIGGER handouts_no_update BEFORE UPDATE ON handouts
BEGIN
    SELECT RAISE(ABORT, 'a handout record cannot be changed');
END;
