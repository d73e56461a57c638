package dev.keycard.core.key;

import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.Signature;
import java.util.EnumMap;
import java.util.Map;
import javax.crypto.Mac;

/**
 * Which JCA provider signs and verifies each {@link SigningAlgorithm}. An algorithm given none uses
 * what it always has: the JDK's providers (SunRsaSign, SunEC, SunJCE), and Bouncy Castle's Ed25519
 * for EdDSA. {@link NativeCrypto#select} fills it with a native provider where one is present and
 * passes its self-test; {@link KeyRing} hands the choice to Nimbus through each signer's and
 * verifier's JCA context, so the JOSE rules stay Nimbus's whichever provider does the arithmetic.
 */
public final class CryptoProviders {
  private static final CryptoProviders JDK = new CryptoProviders(Map.of());

  private final Map<SigningAlgorithm, Provider> providers;

  private CryptoProviders(Map<SigningAlgorithm, Provider> providers) {
    this.providers = providers.isEmpty() ? Map.of() : new EnumMap<>(providers);
  }

  /** Every algorithm on the JDK's own providers (Bouncy Castle for EdDSA), as before any choice. */
  public static CryptoProviders jdk() {
    return JDK;
  }

  /** {@code provider} for each of {@code algorithms}, the JDK's for the others. */
  public static CryptoProviders of(Map<SigningAlgorithm, Provider> providers) {
    return new CryptoProviders(providers);
  }

  /** The provider for this algorithm, or {@code null} for the JDK's default. */
  public Provider provider(SigningAlgorithm algorithm) {
    return providers.get(algorithm);
  }

  /** Whether this algorithm runs on a provider other than the JDK's. */
  public boolean isNative(SigningAlgorithm algorithm) {
    return providers.containsKey(algorithm);
  }

  /** The provider's name and version as an operator reads it at start ("SunRsaSign 25", say). */
  public String describe(SigningAlgorithm algorithm) {
    Provider p = providers.get(algorithm);
    if (p != null) {
      return p.getName() + " " + p.getVersionStr();
    }
    if (algorithm == SigningAlgorithm.EdDSA) {
      return "Bouncy Castle Ed25519 (lightweight API)";
    }
    try {
      Provider jdk = switch (algorithm) {
        case HS256 -> Mac.getInstance("HmacSHA256").getProvider();
        case RS256 -> Signature.getInstance("SHA256withRSA").getProvider();
        case ES256 -> Signature.getInstance("SHA256withECDSA").getProvider();
        case EdDSA -> throw new AssertionError();
      };
      return jdk.getName() + " " + jdk.getVersionStr();
    } catch (GeneralSecurityException e) {
      return "the JDK's (" + e.getClass().getSimpleName() + ")";
    }
  }

  @Override
  public String toString() {
    return "CryptoProviders" + providers.keySet();
  }
}
