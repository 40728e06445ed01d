// Treatment areas on the face chart and how a click is turned into an area code.
// Which areas there are, and which kinds of treatment each suits, come from the core
// (`FACE_AREAS`); this file only knows where each one is drawn.
//
// Geometry lives in the chart SVG's own coordinate system (viewBox "0 0 400 500").
// Callers outside this file speak *normalised* coordinates: x = svgX / 400, y = svgY / 500.
// The chart is a FRONT view, so the PATIENT'S RIGHT is on the VIEWER'S LEFT (x < 200).

import { FACE_AREAS, type TreatmentKind } from '../../api';

/** An area code, as the core lists them in `FACE_AREAS` (with their labels and kinds). */
export type AreaCode = (typeof FACE_AREAS)[number]['code'];

export const CHART_WIDTH = 400;
export const CHART_HEIGHT = 500;

/** An ellipse (optionally rotated clockwise by `rotate` degrees about its centre, as SVG's rotate()) or a polygon. */
export type AreaShape =
  | { type: 'ellipse'; cx: number; cy: number; rx: number; ry: number; rotate?: number }
  | { type: 'polygon'; points: [number, number][] };

/** Mirrors a shape drawn on the viewer's left (patient's right) onto the other side. */
function mirror(s: AreaShape): AreaShape {
  if (s.type === 'ellipse') return { ...s, cx: CHART_WIDTH - s.cx, rotate: s.rotate ? -s.rotate : undefined };
  return { type: 'polygon', points: s.points.map(([x, y]) => [CHART_WIDTH - x, y] as [number, number]).reverse() };
}

// Patient's right side (viewer's left); the left side is the mirror image.
const CROWS_FEET_R: AreaShape = { type: 'ellipse', cx: 110, cy: 184, rx: 13, ry: 21 };
const DAO_R: AreaShape = { type: 'ellipse', cx: 160, cy: 320, rx: 10, ry: 19, rotate: 18 };
const MASSETER_R: AreaShape = { type: 'ellipse', cx: 123, cy: 281, rx: 15, ry: 25, rotate: -6 };
const CHEEK_R: AreaShape = { type: 'ellipse', cx: 127, cy: 222, rx: 23, ry: 16, rotate: -18 };
const NASOLABIAL_R: AreaShape = { type: 'ellipse', cx: 167, cy: 272, rx: 6, ry: 23, rotate: 20 };
const TEAR_TROUGH_R: AreaShape = { type: 'ellipse', cx: 160, cy: 201, rx: 21, ry: 6, rotate: -28 };
const JAWLINE_R: AreaShape = { type: 'ellipse', cx: 140, cy: 332, rx: 40, ry: 7, rotate: 40 };

// The upper lip's vermilion border (cupid's bow), as a thin band around the drawn lip contour.
const LIP_BORDER: [number, number][] = [
  [166, 292],
  [176, 286],
  [187, 282],
  [195, 281],
  [200, 284],
  [205, 281],
  [213, 282],
  [224, 286],
  [234, 292],
];
const LIP_FLIP: AreaShape = {
  type: 'polygon',
  points: [
    ...LIP_BORDER.map(([x, y]) => [x, y - 4] as [number, number]),
    ...LIP_BORDER.map(([x, y]) => [x, y + 4] as [number, number]).reverse(),
  ],
};

/** Geometry per area code, in the SVG's coordinate system (viewBox 0 0 400 500). */
export const AREA_SHAPES: Record<AreaCode, AreaShape> = {
  // upper face
  forehead: { type: 'ellipse', cx: 200, cy: 103, rx: 84, ry: 30 },
  glabella: { type: 'ellipse', cx: 200, cy: 156, rx: 17, ry: 15 },
  crows_feet_right: CROWS_FEET_R,
  crows_feet_left: mirror(CROWS_FEET_R),
  bunny_lines: { type: 'ellipse', cx: 200, cy: 206, rx: 22, ry: 12 },
  tear_trough_right: TEAR_TROUGH_R,
  tear_trough_left: mirror(TEAR_TROUGH_R),
  // mid face
  cheek_right: CHEEK_R,
  cheek_left: mirror(CHEEK_R),
  nasolabial_right: NASOLABIAL_R,
  nasolabial_left: mirror(NASOLABIAL_R),
  // perioral
  upper_lip: { type: 'ellipse', cx: 200, cy: 270, rx: 27, ry: 9 },
  lip_flip: LIP_FLIP,
  lips: { type: 'ellipse', cx: 200, cy: 293, rx: 37, ry: 14 },
  dao_right: DAO_R,
  dao_left: mirror(DAO_R),
  chin: { type: 'ellipse', cx: 200, cy: 336, rx: 25, ry: 19 },
  // lower face and neck
  masseter_right: MASSETER_R,
  masseter_left: mirror(MASSETER_R),
  jawline_right: JAWLINE_R,
  jawline_left: mirror(JAWLINE_R),
  platysma: {
    type: 'polygon',
    points: [
      [156, 376],
      [244, 376],
      [250, 420],
      [254, 458],
      [146, 458],
      [150, 420],
    ],
  },
};

/**
 * The area codes that apply to a kind of treatment (by the core's `neurotoxin` and
 * `filler` flags), in the core's order; for 'other', every code once.
 */
export function areasFor(kind: TreatmentKind): string[] {
  return FACE_AREAS.filter((a) => (kind === 'neurotoxin' ? a.neurotoxin : kind === 'filler' ? a.filler : true)).map((a) => a.code);
}

function shapeOf(code: string): AreaShape | undefined {
  return (AREA_SHAPES as Record<string, AreaShape>)[code];
}

/** Surface of a shape in SVG units², used to prefer the most specific area. */
export function shapeArea(s: AreaShape): number {
  if (s.type === 'ellipse') return Math.PI * s.rx * s.ry;
  let sum = 0;
  for (let i = 0; i < s.points.length; i++) {
    const [x1, y1] = s.points[i];
    const [x2, y2] = s.points[(i + 1) % s.points.length];
    sum += x1 * y2 - x2 * y1;
  }
  return Math.abs(sum) / 2;
}

/** Whether the SVG point (sx, sy) lies inside the shape. */
export function shapeContains(s: AreaShape, sx: number, sy: number): boolean {
  if (s.type === 'ellipse') {
    const t = ((s.rotate ?? 0) * Math.PI) / 180;
    const dx = sx - s.cx;
    const dy = sy - s.cy;
    const u = dx * Math.cos(t) + dy * Math.sin(t);
    const v = -dx * Math.sin(t) + dy * Math.cos(t);
    return (u / s.rx) ** 2 + (v / s.ry) ** 2 <= 1;
  }
  let inside = false;
  const p = s.points;
  for (let i = 0, j = p.length - 1; i < p.length; j = i++) {
    const [xi, yi] = p[i];
    const [xj, yj] = p[j];
    if (yi > sy !== yj > sy && sx < ((xj - xi) * (sy - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** The shape's outline as a polygon (ellipses sampled), in SVG units. */
function outline(s: AreaShape): [number, number][] {
  if (s.type === 'polygon') return s.points;
  const t = ((s.rotate ?? 0) * Math.PI) / 180;
  const pts: [number, number][] = [];
  for (let k = 0; k < 72; k++) {
    const a = (k / 72) * 2 * Math.PI;
    const u = s.rx * Math.cos(a);
    const v = s.ry * Math.sin(a);
    pts.push([s.cx + u * Math.cos(t) - v * Math.sin(t), s.cy + u * Math.sin(t) + v * Math.cos(t)]);
  }
  return pts;
}

/** Distance, in normalised chart units, from a normalised point to the edge of a shape. */
function distanceToEdge(s: AreaShape, x: number, y: number): number {
  const pts = outline(s).map(([px, py]) => [px / CHART_WIDTH, py / CHART_HEIGHT]);
  let best = Infinity;
  for (let i = 0; i < pts.length; i++) {
    const [ax, ay] = pts[i];
    const [bx, by] = pts[(i + 1) % pts.length];
    const abx = bx - ax;
    const aby = by - ay;
    const len2 = abx * abx + aby * aby;
    const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((x - ax) * abx + (y - ay) * aby) / len2));
    best = Math.min(best, Math.hypot(x - (ax + t * abx), y - (ay + t * aby)));
  }
  return best;
}

/** How far outside an area (normalised units) a click still counts as meant for it. */
export const SNAP_DISTANCE = 0.035;

/**
 * The area of `kind` at normalised point (x, y): the smallest area containing it, otherwise the
 * area whose edge is nearest if within SNAP_DISTANCE, otherwise null.
 */
export function areaAt(x: number, y: number, kind: TreatmentKind): string | null {
  if (!Number.isFinite(x) || !Number.isFinite(y)) return null;
  const sx = x * CHART_WIDTH;
  const sy = y * CHART_HEIGHT;
  let hit: string | null = null;
  let hitSize = Infinity;
  let near: string | null = null;
  let nearDist = SNAP_DISTANCE;
  for (const code of areasFor(kind)) {
    const s = shapeOf(code);
    if (!s) continue;
    if (shapeContains(s, sx, sy)) {
      const size = shapeArea(s);
      if (size < hitSize) {
        hit = code;
        hitSize = size;
      }
    } else if (hit === null) {
      const d = distanceToEdge(s, x, y);
      if (d <= nearDist) {
        near = code;
        nearDist = d;
      }
    }
  }
  return hit ?? near;
}

/** The centre of an area, normalised (where a keyboard placement puts the point). */
export function areaCentre(code: string): { x: number; y: number } | null {
  const s = shapeOf(code);
  if (!s) return null;
  if (s.type === 'ellipse') return { x: s.cx / CHART_WIDTH, y: s.cy / CHART_HEIGHT };
  const n = s.points.length;
  const cx = s.points.reduce((a, [px]) => a + px, 0) / n;
  const cy = s.points.reduce((a, [, py]) => a + py, 0) / n;
  return { x: cx / CHART_WIDTH, y: cy / CHART_HEIGHT };
}
