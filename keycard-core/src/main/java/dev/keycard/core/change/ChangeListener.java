package dev.keycard.core.change;

/** What a {@link ChangeFeed} delivers to its subscriber. Each method returns quickly and never blocks. */
public interface ChangeListener {

  /** Another instance (or this one) made a change. */
  void changed(Change change);

  /**
   * The channel is up, first or again: changes made while it was down were not delivered, so this
   * is the moment to catch up from the store.
   */
  void connected();

  /** The channel went down: until {@link #connected()}, only the periodic catch-up brings changes. */
  void disconnected();
}
