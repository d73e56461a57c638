package dev.keycard.core.store;

import dev.keycard.core.account.ClientStore;
import dev.keycard.core.account.UserStore;
import dev.keycard.core.key.SigningKeyStore;
import dev.keycard.core.opaque.OpaqueTokenStore;
import dev.keycard.core.refresh.RefreshTokenStore;
import dev.keycard.core.revocation.RevocationStore;
import dev.keycard.core.signedurl.UrlKeyStore;
import dev.keycard.core.stream.StreamKeyStore;
import dev.keycard.core.stream.StreamStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Every store keycard keeps its state in, all from one backend (the embedded H2 database, PostgreSQL,
 * …). A backend makes one of these; the server and every CLI command get their stores from it and
 * from nowhere else. Each store's contract is a test in this module's test-jar, which a backend
 * extends once ({@code StoresContract}). Closing it releases the backend (its connection pool).
 * Instants are kept to the microsecond (PostgreSQL's {@code timestamptz}); finer digits may be cut.
 *
 * @param onClose releases what the backend holds; called once by {@link #close()}
 */
public record Stores(
    UserStore users,
    ClientStore clients,
    RefreshTokenStore refreshTokens,
    OpaqueTokenStore opaqueTokens,
    RevocationStore revocations,
    SigningKeyStore signingKeys,
    UrlKeyStore urlKeys,
    StreamStore streams,
    StreamKeyStore streamKeys,
    Runnable onClose) implements AutoCloseable {

  public Stores {
    Objects.requireNonNull(users, "users");
    Objects.requireNonNull(clients, "clients");
    Objects.requireNonNull(refreshTokens, "refreshTokens");
    Objects.requireNonNull(opaqueTokens, "opaqueTokens");
    Objects.requireNonNull(revocations, "revocations");
    Objects.requireNonNull(signingKeys, "signingKeys");
    Objects.requireNonNull(urlKeys, "urlKeys");
    Objects.requireNonNull(streams, "streams");
    Objects.requireNonNull(streamKeys, "streamKeys");
    Objects.requireNonNull(onClose, "onClose");
  }

  /**
   * Blocking: deletes what nothing needs any more, as the maintenance job does: refresh-token families
   * past their absolute lifetime, opaque access tokens expired longer than the verifiers' clock skew
   * (until then a verifier may still accept them), and denylist entries whose tokens have all expired.
   *
   * @return how many entries were deleted
   */
  public int purgeExpired(Instant now, Duration clockSkew) {
    return refreshTokens.purgeExpired(now) + opaqueTokens.purgeExpired(now.minus(clockSkew))
        + revocations.purgeExpired(now);
  }

  @Override
  public void close() {
    onClose.run();
  }
}
