package dev.keycard.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import dev.keycard.core.testing.CryptoCases;
import dev.keycard.server.config.CryptoChoice;
import dev.keycard.server.testing.CapturedLogs;
import dev.keycard.server.testing.TestHttp;
import dev.keycard.server.testing.TestKeycard;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * keycard signs with the native provider where it loads and is healthy, says at start which provider
 * each algorithm runs on, and signs with the JDK's alone when told to ({@code --crypto-provider jdk});
 * either way its tokens (ES256, the test servers' algorithm) verify with the JDK's own ECDSA against
 * the published JWKS.
 */
class TokenSignatureProvidersTest {
  @TempDir
  Path dir;

  @Test
  void byDefaultTheSignaturesRunOnTheNativeProviderAndTheStartLogSaysSo() throws Exception {
    try (CapturedLogs logs = new CapturedLogs(); TestKeycard keycard = TestKeycard.start(dir.resolve("data"))) {
      String expected = CryptoCases.nativeBuildExists() ? "ES256 on AmazonCorrettoCryptoProvider 2.5.0 (native, "
          + "self-test passed)" : "ES256 on SunEC";
      assertThat(logs.lines()).anySatisfy(line -> assertThat(line).contains("token signatures: ").contains(expected)
          .contains("HS256 on SunJCE"));
      assertTokensVerifyWithTheJdk(keycard);
    }
  }

  @Test
  void withCryptoProviderJdkEveryAlgorithmRunsOnTheJdk() throws Exception {
    try (CapturedLogs logs = new CapturedLogs();
         TestKeycard keycard = TestKeycard.start(dir.resolve("data"), c -> c.withCrypto(CryptoChoice.JDK))) {
      assertThat(logs.lines()).anySatisfy(line -> assertThat(line).contains("token signatures: ")
          .contains("RS256 on SunRsaSign").contains("ES256 on SunEC").contains("EdDSA on Bouncy Castle")
          .contains("the JDK's, as configured").doesNotContain("AmazonCorretto"));
      assertTokensVerifyWithTheJdk(keycard);
    }
  }

  private static void assertTokensVerifyWithTheJdk(TestKeycard keycard) throws Exception {
    keycard.addUser("rosa", "rosa's password", "profile");
    TestHttp http = keycard.http();
    String token = http.login("rosa", "rosa's password").json().getString("access_token");
    assertThat(http.me(token).status()).isEqualTo(200);

    JWSObject jws = JWSObject.parse(token);
    JWKSet published = JWKSet.parse(http.get("/.well-known/jwks.json").body());
    var key = published.getKeyByKeyId(jws.getHeader().getKeyID()).toECKey().toECPublicKey();
    assertThat(jws.verify(new ECDSAVerifier(key))).isTrue();
  }
}
