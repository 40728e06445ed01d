import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import { FACE_AREAS } from '../../api';
import FaceChart from './FaceChart.svelte';
import { AREA_SHAPES, areaAt, areaCentre, areasFor } from './faceAreas';

const TOXIN_CODES = FACE_AREAS.filter((a) => a.neurotoxin).map((a) => a.code);

/** SVG coordinates (viewBox 0 0 400 500) → normalised. */
const n = (sx: number, sy: number): [number, number] => [sx / 400, sy / 500];

const LABELS: Record<string, string> = {
  glabella: 'Glabella',
  forehead: 'Forehead',
  crows_feet_right: "Crow's feet (right)",
  crows_feet_left: "Crow's feet (left)",
  platysma: 'Platysma',
};

describe('areaAt', () => {
  it('finds the neurotoxin areas where they are on the face', () => {
    expect(areaAt(...n(200, 156), 'neurotoxin')).toBe('glabella');
    expect(areaAt(...n(200, 100), 'neurotoxin')).toBe('forehead');
    // The viewer's left is the patient's right: lateral to the eye on the left of the picture.
    expect(areaAt(...n(110, 184), 'neurotoxin')).toBe('crows_feet_right');
    expect(areaAt(...n(290, 184), 'neurotoxin')).toBe('crows_feet_left');
    expect(areaAt(...n(200, 420), 'neurotoxin')).toBe('platysma');
    expect(areaAt(...n(160, 320), 'neurotoxin')).toBe('dao_right');
    expect(areaAt(...n(277, 281), 'neurotoxin')).toBe('masseter_left');
    expect(areaAt(...n(200, 338), 'neurotoxin')).toBe('chin');
  });

  it('finds the filler areas', () => {
    expect(areaAt(...n(127, 222), 'filler')).toBe('cheek_right');
    expect(areaAt(...n(240, 201), 'filler')).toBe('tear_trough_left');
    expect(areaAt(...n(167, 272), 'filler')).toBe('nasolabial_right');
    expect(areaAt(...n(140, 332), 'filler')).toBe('jawline_right');
    // No filler area on the forehead or the neck.
    expect(areaAt(...n(200, 100), 'filler')).toBeNull();
    expect(areaAt(...n(200, 420), 'filler')).toBeNull();
  });

  it('reads the same lip point by the kind of treatment', () => {
    const lip = n(200, 286);
    expect(areaAt(...lip, 'filler')).toBe('lips');
    expect(['lip_flip', 'upper_lip']).toContain(areaAt(...lip, 'neurotoxin'));
    // 'other' knows both and prefers the smallest region: the vermilion border band.
    expect(areaAt(...lip, 'other')).toBe('lip_flip');
  });

  it('snaps a click just outside an area and ignores one far from any', () => {
    expect(areaAt(...n(200, 176), 'neurotoxin')).toBe('glabella'); // 5 units below its edge
    expect(areaAt(0.02, 0.02, 'neurotoxin')).toBeNull();
    expect(areaAt(0.98, 0.5, 'other')).toBeNull();
    expect(areaAt(Number.NaN, 0.5, 'other')).toBeNull();
  });

  it('puts every area inside its own shape, and right-side areas on the left of the picture', () => {
    for (const code of Object.keys(AREA_SHAPES)) {
      const c = areaCentre(code)!;
      expect(areaAt(c.x, c.y, 'other'), code).toBe(code);
      if (code.endsWith('_right')) expect(c.x, code).toBeLessThan(0.5);
      if (code.endsWith('_left')) expect(c.x, code).toBeGreaterThan(0.5);
    }
  });
});

describe('the chart and the core\'s areas', () => {
  it('draws every area the core knows, and only those', () => {
    const codes = FACE_AREAS.map((a) => a.code as string);
    for (const code of codes) expect(AREA_SHAPES, code).toHaveProperty(code);
    for (const code of Object.keys(AREA_SHAPES)) expect(codes, code).toContain(code);
  });
});

describe('areasFor', () => {
  it('lists the areas per kind by the core\'s flags, and all of them once for other', () => {
    const toxin = areasFor('neurotoxin');
    const filler = areasFor('filler');
    expect(toxin).toContain('glabella');
    expect(toxin).not.toContain('lips');
    expect(filler).toContain('lips');
    expect(filler).not.toContain('forehead');
    // The chin takes both.
    expect(toxin).toContain('chin');
    expect(filler).toContain('chin');
    const all = areasFor('other');
    expect(new Set(all).size).toBe(all.length);
    expect(all.length).toBe(new Set([...toxin, ...filler]).size);
    expect(all.length).toBe(FACE_AREAS.length);
    for (const code of all) expect(AREA_SHAPES).toHaveProperty(code);
  });
});

function stubRect(svg: Element, width = 400, height = 500, left = 10, top = 20) {
  svg.getBoundingClientRect = () =>
    ({ left, top, width, height, right: left + width, bottom: top + height, x: left, y: top, toJSON: () => ({}) }) as DOMRect;
}

describe('FaceChart', () => {
  const points = [
    { x: 0.5, y: 0.312, area: 'glabella' },
    { x: 0.275, y: 0.368, area: 'crows_feet_right' },
    { x: 0.725, y: 0.368, area: 'crows_feet_left' },
  ];

  it('draws the zones of the kind and numbers the placed points', () => {
    render(FaceChart, { kind: 'neurotoxin', points, labels: LABELS, selected: 1 });
    const chart = screen.getByTestId('face-chart');
    expect(chart).toHaveAttribute('aria-label', 'Face chart');
    expect(chart.querySelector('[data-area="glabella"] title')).toHaveTextContent('Glabella');
    expect(chart.querySelectorAll('[data-area]')).toHaveLength(TOXIN_CODES.length);
    expect(chart.querySelector('[data-area="lips"]')).toBeNull();

    const drawn = screen.getAllByTestId('chart-point');
    expect(drawn).toHaveLength(3);
    expect(drawn.map((p) => p.getAttribute('aria-label'))).toEqual([
      'Point 1: Glabella',
      "Point 2: Crow's feet (right)",
      "Point 3: Crow's feet (left)",
    ]);
    expect(drawn.map((p) => p.querySelector('text')?.textContent)).toEqual(['1', '2', '3']);
    expect(drawn[1]).toHaveClass('selected');
    expect(drawn[0]).not.toHaveClass('selected');
    expect(screen.getByText("Patient's right")).toBeInTheDocument();
    expect(screen.getByText("Patient's left")).toBeInTheDocument();
  });

  it('places a point where the glabella zone is clicked, after CSS scaling', async () => {
    const onPlace = vi.fn();
    render(FaceChart, { kind: 'neurotoxin', points: [], labels: LABELS, onPlace });
    const chart = screen.getByTestId('face-chart');
    stubRect(chart, 200, 250); // drawn at half size
    await fireEvent.click(chart, { clientX: 10 + 100, clientY: 20 + 78 });
    expect(onPlace).toHaveBeenCalledOnce();
    const [x, y, area] = onPlace.mock.calls[0];
    expect(area).toBe('glabella');
    expect(x).toBeCloseTo(0.5, 3);
    expect(y).toBeCloseTo(0.312, 3);
  });

  it('ignores a click far from any area and says where to click', async () => {
    const onPlace = vi.fn();
    render(FaceChart, { kind: 'filler', points: [], labels: LABELS, onPlace });
    const chart = screen.getByTestId('face-chart');
    stubRect(chart);
    await fireEvent.click(chart, { clientX: 10 + 8, clientY: 20 + 8 });
    expect(onPlace).not.toHaveBeenCalled();
    expect(screen.getByRole('status')).toHaveTextContent('Click inside a treatment area');
  });

  it('selects an existing point instead of placing a new one', async () => {
    const onPlace = vi.fn();
    const onSelect = vi.fn();
    render(FaceChart, { kind: 'neurotoxin', points, labels: LABELS, onPlace, onSelect });
    stubRect(screen.getByTestId('face-chart'));
    await fireEvent.click(screen.getAllByTestId('chart-point')[2]);
    expect(onSelect).toHaveBeenCalledWith(2);
    expect(onPlace).not.toHaveBeenCalled();
  });

  it('places a point at the centre of a zone from the keyboard', async () => {
    const onPlace = vi.fn();
    render(FaceChart, { kind: 'neurotoxin', points: [], labels: LABELS, onPlace });
    const zone = screen.getByRole('button', { name: 'Place a point: Platysma' });
    await fireEvent.keyDown(zone, { key: 'Enter' });
    expect(onPlace).toHaveBeenCalledOnce();
    expect(onPlace.mock.calls[0][2]).toBe('platysma');
  });

  it('ignores clicks when read-only', async () => {
    const onPlace = vi.fn();
    render(FaceChart, { kind: 'neurotoxin', points, labels: LABELS, readonly: true, onPlace });
    const chart = screen.getByTestId('face-chart');
    stubRect(chart);
    await fireEvent.click(chart, { clientX: 10 + 200, clientY: 20 + 156 });
    expect(onPlace).not.toHaveBeenCalled();
    expect(screen.queryByRole('button', { name: /Place a point/ })).toBeNull();
    expect(screen.getAllByTestId('chart-point')).toHaveLength(3);
  });
});
