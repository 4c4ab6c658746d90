package io.barrage.common.os;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Priority changes apply to the calling thread only, and the calls say truthfully whether they took. */
class ThreadPriorityTest {
  static final String NO_REALTIME = "no real-time scheduling on this machine (needs CAP_SYS_NICE and util-linux chrt)";

  static <T> T onNewThread(Supplier<T> body) throws Exception {
    CompletableFuture<T> f = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        f.complete(body.get());
      } catch (RuntimeException e) {
        f.completeExceptionally(e);
      }
    });
    t.start();
    T result = f.get(30, TimeUnit.SECONDS);
    t.join(30_000); // the answer comes before the thread ends; callers look at the threads that remain
    return result;
  }

  @Test
  void aThreadLowersItsOwnPriorityOnly() throws Exception {
    int before = ThreadPriority.currentNice();
    int[] seen = onNewThread(() -> new int[] {ThreadPriority.niceCurrentThread(before + 7) ? 1 : 0, ThreadPriority.currentNice()});
    assertThat(seen).containsExactly(1, before + 7);
    assertThat(ThreadPriority.currentNice()).isEqualTo(before);
  }

  @Test
  void aThreadMakesItselfRealtimeOnlyAndTheKernelAgrees() throws Exception {
    assumeTrue(ThreadPriority.realtimePermitted(), NO_REALTIME);
    boolean[] seen = onNewThread(() -> new boolean[] {ThreadPriority.realtimeCurrentThread(1), ThreadPriority.currentIsRealtime()});
    assertThat(seen).as("the call says it took, and the kernel lists the thread as SCHED_FIFO").containsExactly(true, true);
    assertThat(ThreadPriority.currentIsRealtime()).isFalse();
  }

  @Test
  void withoutThePermissionRealtimeSaysNoAndChangesNothing() throws Exception {
    assumeFalse(ThreadPriority.realtimePermitted(), "real-time scheduling is permitted on this machine: the refusal cannot be seen here");
    boolean[] seen = onNewThread(() -> new boolean[] {ThreadPriority.realtimeCurrentThread(1), ThreadPriority.currentIsRealtime()});
    assertThat(seen).containsExactly(false, false);
  }

  @Test
  void thePermissionProbeAgreesWithAThreadsOwnAttemptAndLeavesTheCallerAlone() throws Exception {
    assertThat(ThreadPriority.realtimePermitted()).isEqualTo(onNewThread(() -> ThreadPriority.realtimeCurrentThread(1)));
    assertThat(ThreadPriority.currentIsRealtime()).isFalse();
    assertThat(ThreadPriority.realtimeThreads()).doesNotContain("rt-permission-probe");
  }

  @Test
  void threadsThatARealtimeThreadStartsAreOrdinary() throws Exception {
    boolean[] seen = onNewThread(() -> {
      Thread.currentThread().setName("rt-probe");
      if (!ThreadPriority.realtimeCurrentThread(1)) return null;
      boolean listed = ThreadPriority.realtimeThreads().contains("rt-probe");
      try {
        return new boolean[] {listed, onNewThread(ThreadPriority::currentIsRealtime)};
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    assumeTrue(seen != null, NO_REALTIME);
    assertThat(seen[0]).as("the real-time thread is listed").isTrue();
    assertThat(seen[1]).as("a thread it started is real-time").isFalse();
    // the kernel lists an ended thread until it is reaped
    await("the ended real-time thread gone from the kernel's list").atMost(Duration.ofSeconds(10))
        .until(() -> !ThreadPriority.realtimeThreads().contains("rt-probe"));
  }
}
