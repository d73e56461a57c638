package dev.keycard.core.testing;

import dev.keycard.core.key.CryptoProviders;
import dev.keycard.core.key.NativeCrypto;
import dev.keycard.core.key.SigningAlgorithm;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Named;

/**
 * The two sets of providers every crypto test runs on: the JDK's, and the native one keycard prefers.
 * On linux-x86_64, where the native provider's jar is built for, it must really be chosen: a test
 * that quietly ran on the JDK twice would prove nothing, so that fails. Elsewhere, and in the build's
 * {@code crypto-jdk} pass (which leaves the provider off the class path on purpose), the native case
 * is skipped, and Surefire counts it.
 */
public enum CryptoCases {
  JDK, NATIVE;

  /**
   * The providers of this case. The native case is checked here, when a test asks for it, not when the
   * cases are listed: a skip at listing time would drop every test of the class from the totals.
   */
  public CryptoProviders providers() {
    return this == JDK ? CryptoProviders.jdk() : nativeProviders();
  }

  /** Both cases, named for the test report. */
  public static Stream<Named<CryptoCases>> both() {
    return Stream.of(Named.of("JDK", JDK), Named.of("native", NATIVE));
  }

  /** The native providers, failing where they must load and skipping where they cannot. */
  public static CryptoProviders nativeProviders() {
    NativeCrypto.Selection selection = NativeCrypto.select();
    if (!selection.providers().isNative(SigningAlgorithm.RS256)) {
      if (nativeBuildExists()) {
        throw new AssertionError("the native provider should load on this platform: " + selection.describe());
      }
      Assumptions.abort("no native provider in this run (" + System.getProperty("os.name") + " "
          + System.getProperty("os.arch") + ", keycard.test.crypto=" + System.getProperty("keycard.test.crypto") + ")");
    }
    return selection.providers();
  }

  /**
   * Whether the native provider must be chosen in this run: ACCP publishes a build for this machine
   * (the one the project depends on) and this is not the {@code crypto-jdk} pass.
   */
  public static boolean nativeBuildExists() {
    if ("jdk".equals(System.getProperty("keycard.test.crypto"))) {
      return false;
    }
    String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch");
    return os.contains("linux") && (arch.equals("amd64") || arch.equals("x86_64"));
  }
}
