package dev.keycard.core.key;

import java.security.Provider;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * Chooses the providers keycard signs and verifies with: the Amazon Corretto Crypto Provider (AWS-LC)
 * for each algorithm where it is on the class path, loads its native library and passes
 * {@link ProviderSelfTest}; the JDK's everywhere else. The provider is found by its
 * {@code java.security.Provider} service entry, so keycard-core has no dependency on it: the
 * distribution adds the jar (built for linux-x86_64), and any other platform simply runs on the JDK's.
 */
public final class NativeCrypto {
  /** The class ACCP registers as a {@code java.security.Provider} service. */
  static final String ACCP = "com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider";

  /**
   * The algorithms that measured faster natively (JMH, README's crypto table). HS256 did not: the
   * JDK's HMAC-SHA256 is an intrinsic and AWS-LC's pays a JNI crossing per call, so it stays on SunJCE.
   */
  static final Set<SigningAlgorithm> NATIVE_WHERE_FASTER =
      EnumSet.of(SigningAlgorithm.RS256, SigningAlgorithm.ES256, SigningAlgorithm.EdDSA);

  /**
   * The providers chosen, and for each algorithm a line saying which one and why.
   */
  public record Selection(CryptoProviders providers, Map<SigningAlgorithm, String> reasons) {
    public Selection {
      reasons = Map.copyOf(reasons);
    }

    /** One line per algorithm, in the enum's order: "RS256 on AmazonCorrettoCryptoProvider 2.5 (native)". */
    public String describe() {
      StringBuilder b = new StringBuilder();
      for (SigningAlgorithm a : SigningAlgorithm.values()) {
        if (!b.isEmpty()) {
          b.append("; ");
        }
        b.append(a).append(" on ").append(providers.describe(a)).append(" (").append(reasons.get(a)).append(')');
      }
      return b.toString();
    }
  }

  private static volatile Selection chosen;

  private NativeCrypto() {}

  /**
   * The native provider where it is present and healthy. The self-test runs once per process: the
   * providers, like the JCA's list of them, belong to the process.
   */
  public static Selection select() {
    Selection s = chosen;
    if (s == null) {
      synchronized (NativeCrypto.class) {
        s = chosen;
        if (s == null) {
          s = select(find());
          chosen = s;
        }
      }
    }
    return s;
  }

  /** The JDK's providers for every algorithm, because the operator asked for them. */
  public static Selection jdk() {
    Map<SigningAlgorithm, String> reasons = new EnumMap<>(SigningAlgorithm.class);
    for (SigningAlgorithm a : SigningAlgorithm.values()) {
      reasons.put(a, "the JDK's, as configured");
    }
    return new Selection(CryptoProviders.jdk(), reasons);
  }

  static Selection select(Optional<Provider> candidate) {
    Map<SigningAlgorithm, Provider> chosenProviders = new LinkedHashMap<>();
    Map<SigningAlgorithm, String> reasons = new EnumMap<>(SigningAlgorithm.class);
    for (SigningAlgorithm a : SigningAlgorithm.values()) {
      if (!NATIVE_WHERE_FASTER.contains(a)) {
        reasons.put(a, "the JDK's: measured no slower than native");
      } else if (candidate.isEmpty()) {
        reasons.put(a, "the JDK's: no native provider on this platform");
      } else {
        String failure = ProviderSelfTest.failure(a, candidate.get());
        if (failure == null) {
          chosenProviders.put(a, candidate.get());
          reasons.put(a, "native, self-test passed");
        } else {
          reasons.put(a, "the JDK's: " + candidate.get().getName() + " failed its self-test, " + failure);
        }
      }
    }
    return new Selection(CryptoProviders.of(chosenProviders), reasons);
  }

  /**
   * ACCP, when its jar is on the class path and its class loads (its native library loads with it),
   * before any self-test: for benchmarks that measure it against the JDK's on every algorithm.
   */
  public static Optional<Provider> find() {
    try {
      return ServiceLoader.load(Provider.class, NativeCrypto.class.getClassLoader()).stream()
          .filter(p -> p.type().getName().equals(ACCP))
          .findFirst()
          .map(ServiceLoader.Provider::get);
    } catch (ServiceConfigurationError | LinkageError e) {
      return Optional.empty();
    }
  }
}
