/** Web tracking parameters added to a link's destination (`utm_source`, …); empty ones are left out. */
export interface UtmParams {
  readonly source?: string;
  readonly medium?: string;
  readonly campaign?: string;
  readonly content?: string;
  readonly term?: string;
}

/** One link to create: where it goes (UTM already applied) and the send it goes out in. */
export interface LinkEntry {
  /** A message's id, or `r:<campaign recipient id>`. */
  readonly sendRef: string;
  readonly runId?: string | null;
  /** An absolute http(s) URL. */
  readonly destination: string;
}

export interface TrackTextOptions {
  /** The API's public origin, e.g. `https://herald.example.com`: links become `<baseUrl>/l/<code>`. */
  readonly baseUrl: string;
  /** Added to every destination (existing `utm_*` parameters of a URL win). */
  readonly utm?: UtmParams;
}

/** One text of one send, for `LinksService.trackTexts`. */
export interface SendText {
  readonly sendRef: string;
  readonly runId?: string | null;
  readonly text: string;
}

/** A run's clicks: sends with at least one click, and every click. */
export interface RunClicks {
  readonly clicked: number;
  readonly clicks: number;
}

/** A send's clicks: when its first link was first clicked (null: never), and every click. */
export interface SendClicks {
  readonly firstClickedAt: Date | null;
  readonly clicks: number;
}

/** One click of a send's timeline. */
export interface LinkClickEntry {
  readonly code: string;
  readonly destination: string;
  readonly clickedAt: Date;
  readonly userAgent: string | null;
}

/** What a code redirects to, and the send a click on it is recorded against. */
export interface LinkTarget {
  readonly destination: string;
  readonly workspaceId: string;
  readonly sendRef: string;
  readonly runId: string | null;
}

/** A click waiting in memory for its batch. */
export interface PendingClick {
  readonly code: string;
  readonly workspaceId: string;
  readonly sendRef: string;
  readonly runId: string | null;
  readonly clickedAt: Date;
  readonly userAgent: string | null;
  /** Where the link led (for the click's callback event). */
  readonly destination?: string;
}

/** What a send's tracked links were clicked, as its view shows it; absent when never. */
export interface SendClicksView {
  readonly count: number;
  readonly firstClickedAt: Date | null;
  readonly timeline: ReadonlyArray<{ readonly destination: string; readonly clickedAt: Date; readonly userAgent: string | null }>;
}
