package dev.keycard.server.config;

import java.util.Locale;

/**
 * Which providers sign and verify tokens ({@code --crypto-provider}): the native one where it is
 * present and passes its self-test, falling back per algorithm to the JDK's; or the JDK's throughout,
 * for an operator who wants the JDK's code alone (a FIPS-validated JDK provider, or a suspected fault).
 */
public enum CryptoChoice {
  NATIVE, JDK;

  /** Parses {@code native} or {@code jdk}, in any case. */
  public static CryptoChoice parse(String value) {
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "native" -> NATIVE;
      case "jdk" -> JDK;
      default -> throw new IllegalArgumentException("--crypto-provider must be native or jdk, not '" + value + "'");
    };
  }

  public String optionValue() {
    return name().toLowerCase(Locale.ROOT);
  }
}
