package io.barrage.simulator.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A thread can lower its own priority, and only its own: the rest of the JVM keeps its nice value. */
class ThreadNiceTest {
  @Test
  void lowersOnlyTheCallingThread() throws Exception {
    int before = ThreadNice.niceOf(Files.readString(Path.of("/proc/thread-self/stat")));
    CompletableFuture<int[]> seen = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        boolean ok = ThreadNice.lowerCurrentThread(before + 7);
        seen.complete(new int[] {ok ? 1 : 0, ThreadNice.niceOf(Files.readString(Path.of("/proc/thread-self/stat")))});
      } catch (Exception e) {
        seen.completeExceptionally(e);
      }
    });
    t.start();
    int[] r = seen.get(30, TimeUnit.SECONDS);
    assertThat(r[0]).isEqualTo(1);
    assertThat(r[1]).isEqualTo(before + 7);
    assertThat(ThreadNice.niceOf(Files.readString(Path.of("/proc/thread-self/stat")))).isEqualTo(before);
  }
}
