package dev.keycard.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The connection cap fits the process's file-descriptor limit, so that accept never runs out of them. */
class ListenerGuardTest {
  @Test
  void capIsTheConfiguredOneWhenTheDescriptorLimitHoldsItForEveryListener() {
    assertThat(ListenerGuard.connectionCap(8192, 2, 20_000)).isEqualTo(8192);
    assertThat(ListenerGuard.connectionCap(8192, 2, 1_048_576)).isEqualTo(8192);
  }

  @Test
  void capIsLoweredToWhatTheDescriptorLimitHoldsBesidesTheReserve() {
    assertThat(ListenerGuard.connectionCap(8192, 2, 4096)).isEqualTo((4096 - 512) / 2);
    // A small limit keeps a quarter for the rest of the process.
    assertThat(ListenerGuard.connectionCap(8192, 2, 1024)).isEqualTo((1024 - 256) / 2);
    assertThat(ListenerGuard.connectionCap(8192, 2, 3)).isEqualTo(1);
  }

  @Test
  void unknownDescriptorLimitLeavesTheConfiguredCap() {
    assertThat(ListenerGuard.connectionCap(100, 2, -1)).isEqualTo(100);
  }
}
