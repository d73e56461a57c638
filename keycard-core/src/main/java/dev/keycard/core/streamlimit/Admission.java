package dev.keycard.core.streamlimit;

import java.util.List;

/** The limit's answer to a stream start. */
public sealed interface Admission {

  /** @param evicted the sessions to cut off to make room (oldest first); empty unless the policy evicts */
  record Admitted(List<String> evicted) implements Admission {
    public Admitted {
      evicted = List.copyOf(evicted);
    }
  }

  /** @param active how many other sessions of the account are active */
  record Refused(int active) implements Admission {}

  Admitted ADMITTED = new Admitted(List.of());
}
