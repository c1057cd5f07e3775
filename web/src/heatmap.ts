// The heat map of the network's state, bit by bit: a small canvas, because a string may have thousands of bits and a
// canvas draws 200 x 2H cells in well under a millisecond. Rows from the top: the bits, the true parity so far, the
// network's p(parity = 1) after each prefix (its read-out applied to h_t), then h (and, for the LSTM, c; the GRU and
// the RNN have h only) unit by unit. This is where the flip-flop shows: a unit that changes sign on every 1 and holds on every 0.

export interface TraceView {
  bits: string;
  /** Index in bits of the first column shown. */
  start: number;
  h: Float32Array[];
  c: Float32Array[] | null;
  /** linear.weight and linear.bias, for p(1) per prefix. */
  readout: { w: Float32Array; b: number };
}

export const MAX_COLUMNS = 200;

// A diverging blue-white-red scale (ColorBrewer RdBu ends) for values in [-1, 1].
const NEG = [33, 102, 172];
const POS = [178, 24, 43];
function diverging(v: number): string {
  const t = Math.max(-1, Math.min(1, v));
  const end = t < 0 ? NEG : POS;
  const a = Math.abs(t);
  const mix = (k: number): number => Math.round(255 + (end[k] - 255) * a);
  return `rgb(${mix(0)},${mix(1)},${mix(2)})`;
}

interface Row {
  label: string;
  value: (t: number) => number; // -1..1 for the colour
  show: (t: number) => string; // for the hover read-out
}

export class Heatmap {
  private rows: Row[] = [];
  private view: TraceView | null = null;
  private geom = { gutter: 0, cell: 0, rowH: 0, top: 0 };

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly readoutEl: HTMLElement,
  ) {
    canvas.addEventListener('mousemove', (e) => this.hover(e));
    canvas.addEventListener('mouseleave', () => (this.readoutEl.textContent = this.hint()));
  }

  private hint(): string {
    return this.view ? 'Point at a column to read its values.' : '';
  }

  clear(): void {
    this.view = null;
    this.rows = [];
    this.canvas.hidden = true;
    this.readoutEl.textContent = '';
  }

  draw(v: TraceView): void {
    this.view = v;
    const n = v.h.length;
    const H = v.h[0]?.length ?? 0;
    const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));
    const prefixParity = new Uint8Array(n);
    let par = 0;
    for (let i = 0; i < v.start; i++) par ^= v.bits.charCodeAt(i) & 1;
    for (let t = 0; t < n; t++) prefixParity[t] = par ^= v.bits.charCodeAt(v.start + t) & 1;
    const p1 = new Float32Array(n);
    for (let t = 0; t < n; t++) {
      let z = v.readout.b;
      for (let j = 0; j < H; j++) z += v.readout.w[j] * v.h[t][j];
      p1[t] = sigmoid(z);
    }
    // c is unbounded: scale it by the largest |c| shown, and say so in its labels' read-out.
    let cMax = 1e-6;
    if (v.c) for (const row of v.c) for (const x of row) cMax = Math.max(cMax, Math.abs(x));

    const rows: Row[] = [
      { label: 'bit', value: (t) => (v.bits[v.start + t] === '1' ? 0.85 : -0.15), show: (t) => v.bits[v.start + t] },
      { label: 'parity', value: (t) => (prefixParity[t] ? 0.85 : -0.85), show: (t) => String(prefixParity[t]) },
      { label: 'p(1)', value: (t) => 2 * p1[t] - 1, show: (t) => p1[t].toFixed(4) },
    ];
    for (let j = 0; j < H; j++) rows.push({ label: `h${j}`, value: (t) => v.h[t][j], show: (t) => v.h[t][j].toFixed(3) });
    if (v.c) {
      const c = v.c;
      for (let j = 0; j < H; j++) rows.push({ label: `c${j}`, value: (t) => c[t][j] / cMax, show: (t) => c[t][j].toFixed(3) });
    }
    this.rows = rows;

    const dpr = window.devicePixelRatio || 1;
    const width = Math.max(300, this.canvas.parentElement?.clientWidth ?? 800);
    const rowH = rows.length <= 40 ? 13 : Math.max(2, Math.floor(520 / rows.length));
    const gutter = rowH >= 9 ? 52 : 8;
    const top = 16; // bit positions above the grid
    const cell = Math.min(28, (width - gutter) / n);
    const height = top + rows.length * rowH + (v.c ? 4 : 0);
    this.geom = { gutter, cell, rowH, top };
    this.canvas.hidden = false;
    this.canvas.width = Math.round(width * dpr);
    this.canvas.height = Math.round(height * dpr);
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${height}px`;
    const g = this.canvas.getContext('2d')!;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, width, height);
    g.font = '11px ui-monospace, SFMono-Regular, Menlo, monospace';
    g.textBaseline = 'middle';

    for (let r = 0; r < rows.length; r++) {
      const y = this.rowY(r);
      if (gutter > 8) {
        g.fillStyle = r < 3 ? '#333' : '#777';
        g.textAlign = 'right';
        g.fillText(rows[r].label, gutter - 6, y + rowH / 2);
      }
      for (let t = 0; t < n; t++) {
        const x0 = Math.round(gutter + t * cell);
        const x1 = Math.round(gutter + (t + 1) * cell);
        g.fillStyle = diverging(rows[r].value(t));
        g.fillRect(x0, y, Math.max(1, x1 - x0 - (cell >= 6 ? 1 : 0)), rowH - (rowH >= 6 ? 1 : 0));
      }
    }
    // Bit positions along the top, every tenth column (1-based, as a person counts).
    g.fillStyle = '#777';
    g.textAlign = 'left';
    const every = Math.max(1, Math.ceil(40 / cell / 10) * 10);
    for (let t = 0; t < n; t++) {
      const pos = v.start + t + 1;
      const label = String(pos);
      const x = gutter + t * cell;
      if ((pos % every === 0 || t === 0) && x + g.measureText(label).width <= width) g.fillText(label, x, top / 2);
    }
    this.readoutEl.textContent = this.hint();
  }

  /** The y of row r: a small gap separates the h block from the c block. */
  private rowY(r: number): number {
    const H = this.view?.h[0]?.length ?? 0;
    return this.geom.top + r * this.geom.rowH + (this.view?.c && r >= 3 + H ? 4 : 0);
  }

  private hover(e: MouseEvent): void {
    const v = this.view;
    if (!v) return;
    const rect = this.canvas.getBoundingClientRect();
    const t = Math.floor((e.clientX - rect.left - this.geom.gutter) / this.geom.cell);
    if (t < 0 || t >= v.h.length) {
      this.readoutEl.textContent = this.hint();
      return;
    }
    const y = e.clientY - rect.top;
    const r = this.rows.findIndex((_, k) => y >= this.rowY(k) && y < this.rowY(k) + this.geom.rowH);
    const unit = r >= 3 ? `, ${this.rows[r].label} = ${this.rows[r].show(t)}` : '';
    this.readoutEl.textContent =
      `bit ${v.start + t + 1} = ${this.rows[0].show(t)}, parity so far ${this.rows[1].show(t)}, ` + `p(1) = ${this.rows[2].show(t)}${unit}`;
  }
}
