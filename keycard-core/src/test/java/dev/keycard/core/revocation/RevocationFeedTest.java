package dev.keycard.core.revocation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keycard.core.testing.InMemoryRevocationStore;
import dev.keycard.core.testing.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RevocationFeedTest {
  private final MutableClock clock = MutableClock.atFixedStart();
  private final InMemoryRevocationStore store = new InMemoryRevocationStore();
  private final RevocationFeed feed = new RevocationFeed(store, clock);

  @Test
  void pagesFollowTheSequenceAndSayWhereTheNextOneStarts() {
    for (int i = 0; i < 5; i++) {
      store.save("id-" + i, clock.instant().plus(Duration.ofMinutes(15)));
    }
    RevocationFeed.Page first = feed.after(0, 2);
    assertThat(first.entries()).extracting(Revocation::id).containsExactly("id-0", "id-1");
    assertThat(first.more()).isTrue();
    RevocationFeed.Page rest = feed.after(first.next(), 1000);
    assertThat(rest.entries()).extracting(Revocation::id).containsExactly("id-2", "id-3", "id-4");
    assertThat(rest.more()).isFalse();
    assertThat(feed.after(rest.next(), 1000).entries()).isEmpty();
    assertThat(feed.after(rest.next(), 1000).next()).isEqualTo(rest.next());
  }

  @Test
  void anEntryWhoseTokensHaveAllExpiredIsNoLongerGivenOutButTheCursorMovesPastIt() {
    store.save("short", clock.instant().plus(Duration.ofMinutes(1)));
    store.save("long", clock.instant().plus(Duration.ofMinutes(15)));
    clock.advance(Duration.ofMinutes(2));

    RevocationFeed.Page page = feed.after(0, 1000);

    assertThat(page.entries()).extracting(Revocation::id).containsExactly("long");
    assertThat(page.next()).isEqualTo(page.entries().get(0).sequence());
  }

  @Test
  void aPageIsBounded() {
    assertThatThrownBy(() -> feed.after(0, RevocationFeed.MAX_PAGE + 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> feed.after(-1, 10)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void followersAreWokenOnEachSaveUntilTheyStopFollowing() throws Exception {
    int[] woken = {0, 0};
    AutoCloseable first = feed.follow(() -> woken[0]++);
    try (AutoCloseable second = feed.follow(() -> woken[1]++)) {
      feed.saved();
      first.close();
      feed.saved();
    }
    feed.saved();

    assertThat(woken).containsExactly(1, 2);
  }
}
