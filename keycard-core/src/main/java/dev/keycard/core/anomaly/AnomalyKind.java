package dev.keycard.core.anomaly;

import java.util.Locale;

/**
 * What kind of unusual use was seen. The wire name (lower case: {@code flood}, {@code new_country})
 * is what the audit trail, the metric's {@code kind} tag, the admin API and {@code --anomaly-policy}
 * use: add, never rename.
 */
public enum AnomalyKind {
  /** A session's request rate far above its own recent baseline, or above the configured ceiling. */
  FLOOD,
  /** One session (or one playback session at the edge) used from more networks than allowed within a window. */
  SHARING,
  /** An account used from a country it was not used from before (while remembered). */
  NEW_COUNTRY,
  /** Two consecutive uses of an account further apart than anyone could travel in the time between. */
  IMPOSSIBLE_TRAVEL;

  private final String wireName = name().toLowerCase(Locale.ROOT);

  public String wireName() {
    return wireName;
  }

  /** The kind named {@code name} (its wire name, in any case), or {@code null}. */
  public static AnomalyKind ofWireName(String name) {
    for (AnomalyKind kind : values()) {
      if (kind.wireName.equalsIgnoreCase(name)) {
        return kind;
      }
    }
    return null;
  }
}
