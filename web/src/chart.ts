// The live training chart: a vega View over progressSpec, fed by streaming change sets. Rows arriving between two
// animation frames are inserted and rendered together, so a fast run costs one render per frame at most. A long run
// is thinned: once more than MAX_SHOWN points would be drawn, consecutive events are averaged in buckets twice as
// long, so rendering stays cheap and the page stays responsive however many steps it trains.

import { View, parse, changeset } from 'vega';
import { compile } from 'vega-lite';
import { meanPoint, progressRows, progressSpec, thinPoints, type ChartPoint, type EventRow } from './chart-spec';

const MAX_SHOWN = 800;

export class LiveChart {
  private view: View | null = null;
  private all: ChartPoint[] = []; // every event of the run
  private stride = 1; // events per drawn point
  private shown: ChartPoint[] = []; // what the view holds, one per complete bucket
  private bucket: ChartPoint[] = []; // events since the last complete bucket
  private queued: ChartPoint[] = []; // complete buckets not yet in the view
  private replace = false; // the view's data must be replaced by `shown` (after a re-thin or a rebuild)
  private events: EventRow[] = [];
  private frame = 0;
  private width = 0;

  constructor(private readonly el: HTMLElement) {
    new ResizeObserver(() => {
      // After this frame: rebuilding inside the observer callback would resize what it observes.
      if (Math.abs(this.plotWidth() - this.width) > 20) requestAnimationFrame(() => void this.rebuild());
    }).observe(el);
  }

  private plotWidth(): number {
    return Math.max(200, this.el.clientWidth - 90); // room for the y axis and its title
  }

  async rebuild(): Promise<void> {
    this.view?.finalize();
    this.width = this.plotWidth();
    const vg = compile(progressSpec({ width: this.width })).spec;
    const view = new View(parse(vg), { renderer: 'canvas', container: this.el, hover: false });
    this.view = view;
    this.replace = true;
    view.data('events', this.events.slice());
    this.flush();
    await view.runAsync();
  }

  reset(): void {
    this.all = [];
    this.stride = 1;
    this.shown = [];
    this.bucket = [];
    this.queued = [];
    this.events = [];
    this.replace = true;
    this.view?.change('events', changeset().remove(() => true));
    this.schedule();
  }

  push(points: readonly ChartPoint[]): void {
    for (const p of points) {
      this.all.push(p);
      this.bucket.push(p);
      if (this.bucket.length === this.stride) {
        const m = meanPoint(this.bucket);
        this.shown.push(m);
        this.queued.push(m);
        this.bucket = [];
      }
    }
    if (this.shown.length > MAX_SHOWN) {
      while (this.all.length / this.stride > MAX_SHOWN) this.stride *= 2;
      const complete = this.all.length - (this.all.length % this.stride);
      this.shown = thinPoints(this.all.slice(0, complete), this.stride);
      this.bucket = this.all.slice(complete);
      this.replace = true;
    }
    this.schedule();
  }

  /** The run is over: draw the last, partial bucket too. */
  finish(): void {
    if (this.bucket.length) {
      const m = meanPoint(this.bucket);
      this.shown.push(m);
      this.queued.push(m);
      this.bucket = [];
      this.schedule();
    }
  }

  mark(step: number, label: string): void {
    const row = { step, label };
    this.events.push(row);
    this.view?.change('events', changeset().insert(row));
    this.schedule();
  }

  private schedule(): void {
    if (!this.frame) this.frame = requestAnimationFrame(() => this.flush());
  }

  private flush(): void {
    this.frame = 0;
    if (!this.view) return;
    if (this.replace) {
      this.view.change('progress', changeset().remove(() => true).insert(progressRows(this.shown)));
    } else if (this.queued.length) {
      this.view.change('progress', changeset().insert(progressRows(this.queued)));
    }
    this.replace = false;
    this.queued = [];
    void this.view.runAsync();
  }
}
