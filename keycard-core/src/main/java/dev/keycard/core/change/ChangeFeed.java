package dev.keycard.core.change;

/**
 * How instances on one store tell each other what changed, within milliseconds (Redis pub/sub, …).
 * A fast path only, never the only copy: messages may be lost (while the channel is down, or when a
 * publisher dies between its commit and its message), so every subscriber also catches up from the
 * store on each (re)connect and on an interval. The core's one seam for it; a backend module
 * implements it, and no type of that backend appears outside the module.
 *
 * <p>Both methods return at once and never throw on an outage: a lost message only delays the
 * change to the next catch-up.
 */
public interface ChangeFeed extends AutoCloseable {

  /**
   * Tells every subscribed instance (this one may hear it too). Never blocks, never throws.
   *
   * @return whether the message was handed to a connected channel (it may still be lost); false
   *         when the channel is down
   */
  boolean publish(Change change);

  /**
   * Starts delivering to {@code listener}: {@link ChangeListener#connected()} first once the channel
   * is up, then each change, and the connection events as they happen. One listener per feed.
   * Callbacks run on the feed's own threads: a listener hands blocking work elsewhere.
   */
  void subscribe(ChangeListener listener);

  /** Whether the channel is up now: changes published from now on arrive within milliseconds. */
  boolean connected();

  /** Releases the connections; no callback follows. */
  @Override
  void close();

  /** No channel: instances learn of each other's changes by the periodic catch-up alone. */
  ChangeFeed NONE = new ChangeFeed() {
    @Override
    public boolean publish(Change change) {
      return false;
    }

    @Override
    public void subscribe(ChangeListener listener) {}

    @Override
    public boolean connected() {
      return false;
    }

    @Override
    public void close() {}

    @Override
    public String toString() {
      return "none";
    }
  };
}
