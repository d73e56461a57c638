package dev.keycard.core.streamlimit;

/**
 * Which playback sessions each account has active: the edges {@linkplain #seen mark} the sessions
 * they serve, the API asks at each stream start whether another may {@linkplain #admit begin}. One
 * instance per server; in memory on the embedded default, shared through Redis when scaled out.
 */
public interface PlaybackActivity extends PlaybackMarks, AutoCloseable {

  /**
   * Decides a stream start of {@code sessionId} by {@code account} with the configured
   * {@link StreamLimit}, and records it when admitted (the evicted sessions no longer count). May wait
   * on a backend (a worker thread calls it); never throws because a backend is away: it then decides
   * on what this instance knows.
   */
  Admission admit(String account, String sessionId);

  /** Sessions this instance's edge served within the idle window: its viewers now. */
  int activeSessions();

  /** Forgets sessions idle for longer than the window (the maintenance job calls it). */
  void prune();

  @Override
  default void close() {
  }
}
