package io.barrage.protocol.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OrderKeyTest {

  @Test
  void aKeyMatchesOnlyItself() {
    OrderKey key = new OrderKey(0x1234_5678_9abc_def0L, 42);
    assertThat(key.matches(new OrderKey(0x1234_5678_9abc_def0L, 42))).isTrue();
    assertThat(key.matches(new OrderKey(0x1234_5678_9abc_def0L, 43))).isFalse();
    assertThat(key.matches(new OrderKey(0x1234_5678_9abc_def1L, 42))).isFalse();
    assertThat(key.matches(null)).isFalse();
  }

  @Test
  void randomKeysDiffer() {
    Set<OrderKey> keys = new HashSet<>();
    for (int i = 0; i < 1000; i++) keys.add(OrderKey.random());
    assertThat(keys).hasSize(1000);
  }

  @Test
  void aLoggedMessageDoesNotShowTheKey() {
    OrderKey key = new OrderKey(0x0badc0deL, 0x5ec7e7L);
    String logged = new WorkerProtocol.StopStep("run", "cell", key).toString();
    assertThat(logged).contains("redacted").doesNotContain(Long.toString(0x0badc0deL)).doesNotContain(Long.toString(0x5ec7e7L));
  }
}
