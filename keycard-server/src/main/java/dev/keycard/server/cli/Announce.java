package dev.keycard.server.cli;

import dev.keycard.core.change.Change;
import dev.keycard.core.change.ChangeFeed;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;

/** A CLI command that changed the shared store tells the running instances, when given {@code --redis-url}. */
final class Announce {
  /** A command waits for Redis this long at most; without it the instances' periodic reload covers the change. */
  private static final Duration WAIT = Duration.ofSeconds(1);

  private Announce() {}

  /** @return whether the change went out (a feed was configured and connected) */
  static boolean change(RedisOptions redis, CommandSpec spec, Change change) {
    try (ChangeFeed feed = redis.openFeed(((KeycardCommand) spec.root().userObject()).environment, WAIT)) {
      return feed.publish(change);
    }
  }
}
