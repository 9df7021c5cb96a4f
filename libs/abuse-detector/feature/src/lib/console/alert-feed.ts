import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { AlertRepository, type Alert } from '@latchkey/abuse-detector/data-access';
import { alertView, type AlertView } from '../admin/alert-administration.use-case';
import { ABUSE_CLOCK, type Clock } from '../detection/detection-rules';

/** How often the feed looks at the alerts table while someone watches. */
export const ALERT_FEED_POLL_MS = 500;
/** At most this many open alerts are watched (the most recently seen); a larger backlog is for the list, not a live view. */
export const ALERT_FEED_OPEN_LIMIT = 1000;
/**
 * Acknowledgements are found by their time (wall clock of whichever replica
 * wrote them): looking back this much further than the previous poll covers
 * clock skew between replicas and transactions that committed late.
 */
const ACKNOWLEDGED_SLACK_MS = 5_000;

/** One watcher: called with each new or changed alert, and once when the feed closes (shutdown). */
export interface AlertFeedWatcher {
  readonly onAlert: (alert: AlertView) => void;
  readonly onClose: () => void;
}

/** What the feed needs to know about an alert to tell that it changed. */
function fingerprint(alert: Alert): string {
  return [
    alert.status,
    alert.count,
    alert.severity,
    alert.lastSeenAt.getTime(),
    alert.acknowledgedAt?.getTime() ?? '',
    alert.evidenceEventIds.length,
  ].join('|');
}

/**
 * The live alert feed of the console: one poll of the alerts table every
 * {@link ALERT_FEED_POLL_MS} per instance, only while at least one stream
 * is open, shared by every stream of the instance. Each poll reads what
 * can have changed (the open alerts, the ones open at the previous poll,
 * the ones acknowledged since) and hands out those whose fingerprint
 * differs from the previous poll's.
 *
 * Why poll the table rather than consume `abuse.alert`: the table is the
 * truth every replica writes to (a finding recorded by any instance, an
 * acknowledgement made through any instance, later a case closing an
 * alert), whereas `abuse.alert` carries findings only, not acknowledgements;
 * and a Kafka consumer per instance would need a group per process that
 * outlives it on the broker. Half a second of latency is well within what
 * an operator notices, and no stream open means no query at all.
 */
@Injectable()
export class AlertFeed implements OnModuleDestroy {
  private readonly logger = new Logger(AlertFeed.name);
  private readonly watchers = new Set<AlertFeedWatcher>();
  /** Fingerprint of every alert seen at the previous poll, by id. */
  private known: Map<string, string> | undefined;
  private previousPollAt: Date | undefined;
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly alerts: AlertRepository,
    @Inject(ABUSE_CLOCK) private readonly now: Clock,
  ) {}

  /** Open alerts, most recently seen first: what a new stream starts with. */
  async snapshot(limit: number): Promise<AlertView[]> {
    return (await this.alerts.list({ status: 'open', limit })).map(alertView);
  }

  /**
   * Starts handing changes to `watcher`; resolves, with what stops it, once
   * the feed knows the table's state, so that a snapshot taken after it
   * misses nothing: what changes later comes through the feed. A closed feed
   * closes the watcher at once.
   */
  async watch(watcher: AlertFeedWatcher): Promise<() => void> {
    if (this.closed) {
      watcher.onClose();
      return () => undefined;
    }
    this.watchers.add(watcher);
    this.timer ??= setInterval(() => this.tick(), ALERT_FEED_POLL_MS);
    if (this.known === undefined) await this.pollOnce();
    return () => this.unwatch(watcher);
  }

  /** How many streams watch (for tests and diagnostics). */
  get watcherCount(): number {
    return this.watchers.size;
  }

  /** Compares the table with the previous poll once; public so tests need not wait for the timer. */
  async poll(): Promise<void> {
    const startedAt = this.now();
    const since = new Date((this.previousPollAt ?? startedAt).getTime() - ACKNOWLEDGED_SLACK_MS);
    const previous = this.known;
    const openBefore = previous === undefined ? [] : [...previous].filter(([, fp]) => fp.startsWith('open|')).map(([id]) => id);
    const current = await this.alerts.watched(openBefore, since, ALERT_FEED_OPEN_LIMIT);
    const next = new Map<string, string>();
    const changed: Alert[] = [];
    for (const alert of current) {
      const print = fingerprint(alert);
      next.set(alert.id, print);
      // The first poll only learns the state: a stream starts from its snapshot.
      if (previous !== undefined && previous.get(alert.id) !== print) changed.push(alert);
    }
    this.known = next;
    this.previousPollAt = startedAt;
    changed.sort((a, b) => a.lastSeenAt.getTime() - b.lastSeenAt.getTime());
    for (const alert of changed) {
      const view = alertView(alert);
      for (const watcher of this.watchers) watcher.onAlert(view);
    }
  }

  /** Closes every stream (they end their responses), so that a shutdown never waits on an open stream. */
  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    this.stop();
    for (const watcher of [...this.watchers]) watcher.onClose();
    this.watchers.clear();
    await this.polling;
  }

  private tick(): void {
    if (this.polling) return; // a slow database: skip a beat rather than pile up queries
    void this.pollOnce();
  }

  /** One poll at a time: joins the one running, if any. */
  private pollOnce(): Promise<void> {
    this.polling ??= this.poll()
      .catch((error: unknown) => this.logger.warn({ msg: 'alert feed poll failed', error: error instanceof Error ? error.message : String(error) }))
      .finally(() => (this.polling = undefined));
    return this.polling;
  }

  private unwatch(watcher: AlertFeedWatcher): void {
    this.watchers.delete(watcher);
    if (this.watchers.size === 0) this.stop();
  }

  private stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    // Forget the state: the next watcher starts from a fresh snapshot, and the table is not read while nobody watches.
    this.known = undefined;
    this.previousPollAt = undefined;
  }
}
