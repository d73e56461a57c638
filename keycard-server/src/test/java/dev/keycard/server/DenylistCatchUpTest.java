package dev.keycard.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.core.revocation.DenylistReplica;
import dev.keycard.core.revocation.Revocation;
import dev.keycard.core.revocation.RevocationStore;
import dev.keycard.core.testing.InMemoryRevocationStore;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DenylistCatchUpTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  /**
   * A change message that arrives while a catch-up is reading may name an entry committed after that
   * read began: it must start one more catch-up, not be dropped until the next interval.
   */
  @Test
  void requestWhileACatchUpIsReadingThenOneMoreRunsRightAfter() throws Exception {
    InMemoryRevocationStore shared = new InMemoryRevocationStore();
    CountDownLatch reading = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    RevocationStore gated = new RevocationStore() {
      private volatile boolean first = true;

      @Override
      public void save(String id, Instant until) {
        shared.save(id, until);
      }

      @Override
      public List<Revocation> revokedAfter(long sequence, int max) {
        List<Revocation> read = shared.revokedAfter(sequence, max);
        if (first) {
          first = false;
          reading.countDown();
          try {
            release.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        return read;
      }

      @Override
      public int purgeExpired(Instant before) {
        return shared.purgeExpired(before);
      }
    };
    DenylistReplica replica = new DenylistReplica(gated, InstantSource.system());
    // An interval far beyond the test: only requests can bring the entry.
    DenylistCatchUp catchUp = DenylistCatchUp.start(vertx, replica, Duration.ofMinutes(1));

    catchUp.request();
    assertThat(reading.await(10, TimeUnit.SECONDS)).isTrue();
    shared.save("revoked-elsewhere", Instant.now().plus(Duration.ofHours(1)));
    catchUp.request(); // the message announcing it, while the first run is still reading
    release.countDown();

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!replica.isRevoked("revoked-elsewhere") && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(replica.isRevoked("revoked-elsewhere")).isTrue();
  }
}
