package dev.keycard.core.key;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.core.testing.CryptoCases;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.InvalidParameterException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.SignatureSpi;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Which provider signs what: native where it is present, faster and correct; the JDK's otherwise. */
class NativeCryptoTest {

  @Test
  void choosesTheNativeProviderForRsaEcdsaAndEd25519AndKeepsHmacOnTheJdk() {
    Assumptions.assumeTrue(CryptoCases.nativeBuildExists(), "the native provider is built for linux-x86_64 only");
    NativeCrypto.Selection selection = NativeCrypto.select();

    for (SigningAlgorithm a : new SigningAlgorithm[] {SigningAlgorithm.RS256, SigningAlgorithm.ES256,
        SigningAlgorithm.EdDSA}) {
      assertThat(selection.providers().isNative(a)).as("%s: %s", a, selection.describe()).isTrue();
      assertThat(selection.providers().provider(a).getName()).isEqualTo("AmazonCorrettoCryptoProvider");
      assertThat(selection.reasons().get(a)).isEqualTo("native, self-test passed");
    }
    assertThat(selection.providers().isNative(SigningAlgorithm.HS256)).isFalse();
    assertThat(selection.describe()).contains("RS256 on AmazonCorrettoCryptoProvider")
        .contains("HS256 on SunJCE").contains("measured no slower than native");
  }

  @Test
  void withoutANativeProviderEveryAlgorithmRunsOnTheJdk() {
    NativeCrypto.Selection selection = NativeCrypto.select(Optional.empty());

    for (SigningAlgorithm a : SigningAlgorithm.values()) {
      assertThat(selection.providers().isNative(a)).as("%s", a).isFalse();
    }
    assertThat(selection.reasons().get(SigningAlgorithm.RS256)).isEqualTo("the JDK's: no native provider on this platform");
    assertThat(selection.describe()).contains("RS256 on SunRsaSign").contains("EdDSA on Bouncy Castle Ed25519");
  }

  @Test
  void aProviderWhoseSignaturesAreWrongIsNotUsed() {
    NativeCrypto.Selection selection = NativeCrypto.select(Optional.of(new BitFlippingProvider()));

    for (SigningAlgorithm a : SigningAlgorithm.values()) {
      assertThat(selection.providers().isNative(a)).as("%s", a).isFalse();
    }
    assertThat(selection.reasons().get(SigningAlgorithm.RS256))
        .startsWith("the JDK's: BitFlipper failed its self-test, ");
  }

  @Test
  void aProviderThatLacksAnAlgorithmIsNotUsedForIt() {
    Provider empty = new Provider("Empty", "1", "offers nothing") {};
    NativeCrypto.Selection selection = NativeCrypto.select(Optional.of(empty));

    assertThat(selection.providers().isNative(SigningAlgorithm.ES256)).isFalse();
    assertThat(selection.reasons().get(SigningAlgorithm.ES256)).startsWith("the JDK's: Empty failed its self-test, it");
  }

  @Test
  void theOperatorCanForceTheJdk() {
    NativeCrypto.Selection selection = NativeCrypto.jdk();

    assertThat(selection.providers().isNative(SigningAlgorithm.RS256)).isFalse();
    assertThat(selection.describe()).contains("RS256 on SunRsaSign").contains("the JDK's, as configured");
  }

  /** Offers the three signatures through the JDK's own code, then flips a bit of every signature it makes. */
  public static final class BitFlippingProvider extends Provider {
    public BitFlippingProvider() {
      super("BitFlipper", "1", "signs wrongly");
      put("Signature.SHA256withRSA", RsaFlipper.class.getName());
      put("Signature.SHA256withECDSA", EcFlipper.class.getName());
      put("Signature.Ed25519", EdFlipper.class.getName());
    }
  }

  public static final class RsaFlipper extends Flipper {
    public RsaFlipper() throws GeneralSecurityException {
      super("SHA256withRSA");
    }
  }

  public static final class EcFlipper extends Flipper {
    public EcFlipper() throws GeneralSecurityException {
      super("SHA256withECDSA");
    }
  }

  public static final class EdFlipper extends Flipper {
    public EdFlipper() throws GeneralSecurityException {
      super("Ed25519");
    }
  }

  abstract static class Flipper extends SignatureSpi {
    private final Signature jdk;

    Flipper(String algorithm) throws GeneralSecurityException {
      this.jdk = Signature.getInstance(algorithm);
    }

    @Override
    protected void engineInitVerify(PublicKey key) throws InvalidKeyException {
      jdk.initVerify(key);
    }

    @Override
    protected void engineInitSign(PrivateKey key) throws InvalidKeyException {
      jdk.initSign(key);
    }

    @Override
    protected void engineUpdate(byte b) throws SignatureException {
      jdk.update(b);
    }

    @Override
    protected void engineUpdate(byte[] b, int off, int len) throws SignatureException {
      jdk.update(b, off, len);
    }

    @Override
    protected byte[] engineSign() throws SignatureException {
      byte[] s = jdk.sign();
      s[s.length / 2] ^= 1;
      return s;
    }

    @Override
    protected boolean engineVerify(byte[] sig) throws SignatureException {
      return jdk.verify(sig);
    }

    @Override
    @Deprecated
    protected void engineSetParameter(String param, Object value) throws InvalidParameterException {
      throw new InvalidParameterException(param);
    }

    @Override
    @Deprecated
    protected Object engineGetParameter(String param) throws InvalidParameterException {
      throw new InvalidParameterException(param);
    }
  }
}
