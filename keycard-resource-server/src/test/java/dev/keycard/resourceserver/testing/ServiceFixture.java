package dev.keycard.resourceserver.testing;

import dev.keycard.core.token.Scopes;
import dev.keycard.resourceserver.KeycardResourceServer;
import dev.keycard.server.testing.TestHttp;
import dev.keycard.server.testing.TestKeycard;
import java.net.URI;
import java.nio.file.Path;

/**
 * What every adapter's test starts from: a real keycard on a random port, a user {@value #USER} with
 * the scopes {@code profile orders:read}, the service's confidential client {@value #CLIENT} (allowed
 * the revocation feed), and the library built against it. The adapter tests put a real web server
 * of their framework in front and compare its answers with keycard's own.
 */
public final class ServiceFixture implements AutoCloseable {
  public static final String USER = "ana";
  public static final String PASSWORD = "ana's long password";
  public static final String CLIENT = "orders-api";

  private final TestKeycard keycard;
  private final String clientSecret;
  private final KeycardResourceServer library;

  private ServiceFixture(TestKeycard keycard) {
    this.keycard = keycard;
    keycard.addUser(USER, PASSWORD, "profile orders:read");
    this.clientSecret = keycard.addClient(CLIENT, Scopes.REVOCATIONS);
    this.library = builder().clientCredentials(CLIENT, clientSecret).build();
  }

  public static ServiceFixture start(Path dataDir) {
    return new ServiceFixture(TestKeycard.start(dataDir));
  }

  /** The library's builder, pointed at this keycard ({@link TestKeycard#ISSUER} has no port, hence the location). */
  public KeycardResourceServer.Builder builder() {
    return KeycardResourceServer.builder().issuer(TestKeycard.ISSUER).location(URI.create(http().base()))
        .audience(TestKeycard.AUDIENCE);
  }

  public KeycardResourceServer library() {
    return library;
  }

  public TestKeycard keycard() {
    return keycard;
  }

  public TestHttp http() {
    return keycard.http();
  }

  public String clientSecret() {
    return clientSecret;
  }

  /** A fresh access token of {@value #USER}. */
  public String login() {
    return http().login(USER, PASSWORD).json().getString("access_token");
  }

  /** Ends the token's session at keycard (204). */
  public int logout(String token) {
    return http().post("/auth/logout", null, "", "Authorization", "Bearer " + token).status();
  }

  /** The token with its signature's first character changed: always a different signature. */
  public static String tampered(String token) {
    int at = token.lastIndexOf('.') + 1;
    return token.substring(0, at) + (token.charAt(at) == 'A' ? 'B' : 'A') + token.substring(at + 1);
  }

  /**
   * What keycard's own forward-auth check answers for these headers: the reference every adapter's
   * refusal is compared with.
   */
  public TestHttp.Answer keycardVerdict(String scope, String... headers) {
    return http().get(scope == null ? "/auth/verify" : "/auth/verify?scope=" + scope, headers);
  }

  @Override
  public void close() {
    library.close();
    keycard.close();
  }
}
