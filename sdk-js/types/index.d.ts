/** Options of the Vitalscope browser SDK. */
export interface Options {
  /** Public ingest key of the site (`vitalscope sites add` prints it). */
  site: string;
  /** Collector origin, e.g. `https://rum.example.com`. Default: the page's origin. */
  endpoint?: string;
  /** Share of tab sessions measured, 0..1 (sticky per session). Default 1. */
  sampleRate?: number | string;
  /** Release / version tag, e.g. `2026.11.1`. */
  release?: string;
  /**
   * Custom tags: at most 20, keys `[A-Za-z0-9_.-]{1,64}`, string values up to 256 chars (the
   * collector refuses beacons with other tags).
   */
  tags?: Record<string, string>;
  /** Route patterns for the page group, first match wins: `/product/:id`, `/blog/*`. */
  routes?: string[] | string;
  /** Query parameters kept in reported URLs; every other parameter and the fragment are dropped. */
  query?: string[] | string;
  /** Send nothing when the browser signals Do-Not-Track or Global Privacy Control. */
  respectDoNotTrack?: boolean;
  /** Distinct JS error and failed resource load reports per page view. Default 10. */
  maxErrors?: number;
  /**
   * Also report Server-Timing of resources whose URL matches (same-origin or
   * Timing-Allow-Origin). npm builds only.
   */
  serverTimingResources?: RegExp | string;
  /** Milliseconds events wait to be batched before they are sent. Default 5000. */
  batchMs?: number;
}

/** A running SDK. */
export interface Vitalscope {
  /** Sends every queued event now. */
  flush(): void;
}

/** Starts measuring; undefined when not sampled, opted out (DNT/GPC) or without `site`. */
export declare function init(options: Options): Vitalscope | undefined;

/** Version of the SDK, sent as `sdk` in every beacon. */
export declare const version: string;
