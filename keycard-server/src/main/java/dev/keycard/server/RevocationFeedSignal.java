package dev.keycard.server;

import dev.keycard.core.change.Change;
import dev.keycard.core.change.ChangeListener;
import dev.keycard.core.revocation.Denylist;
import dev.keycard.core.revocation.RevocationFeed;
import java.time.Instant;

/**
 * Where this instance learns that a revocation was saved, and tells the revocation feed's open
 * streams ({@link RevocationFeed#saved()}) so they send it within milliseconds rather than at their
 * next poll: its own revocations (the denylist the authorization server writes through) and other
 * instances' messages on the change feed.
 */
final class RevocationFeedSignal {
  private RevocationFeedSignal() {}

  /** The denylist, waking the feed's streams after each revocation it saved. */
  static Denylist waking(Denylist denylist, RevocationFeed feed) {
    return new Denylist() {
      @Override
      public boolean isRevoked(String id) {
        return denylist.isRevoked(id);
      }

      @Override
      public void revoke(String id, Instant until) {
        denylist.revoke(id, until);
        feed.saved();
      }
    };
  }

  /** The change listener, waking the feed's streams on another instance's revocation message. */
  static ChangeListener waking(ChangeListener listener, RevocationFeed feed) {
    return new ChangeListener() {
      @Override
      public void changed(Change change) {
        listener.changed(change);
        if (change instanceof Change.Revoked) {
          feed.saved();
        }
      }

      @Override
      public void connected() {
        listener.connected();
        feed.saved();
      }

      @Override
      public void disconnected() {
        listener.disconnected();
      }
    };
  }
}
