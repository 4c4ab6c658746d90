package io.barrage.simulator.engine;

import io.barrage.simulator.ErrorKind;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrage.simulator.Profile;
import io.barrage.simulator.Profiles;
import org.junit.jupiter.api.Test;

/** An injected shard failure fails the whole forward it strikes, as a TGI shard error does (docs/protocols.md §8). */
class ShardFailureTest {
  static final Profile TGI = Profiles.get(Profiles.TGI_FAST).withTiming(LongGenerationSegmentsTest.ROUND);
  static final GenRequest.RequestFaults SHARD_ERROR = new GenRequest.RequestFaults(true, 0, 0, 0, 0);

  @Test
  void aShardFailureFailsEveryRequestInThatStepsBatchAndNothingElse() {
    Engine engine = Engine.virtual(TGI, new VirtualClock());
    Trace running = Trace.submit(engine, GenRequest.of(TGI, 0, 10, 100, 0, GenRequest.RequestFaults.NONE), 0);
    Trace faulty = Trace.submit(engine, GenRequest.of(TGI, 1, 10, 100, 1, SHARD_ERROR), 20_000_000);
    Trace joining = Trace.submit(engine, GenRequest.of(TGI, 2, 10, 100, 2, GenRequest.RequestFaults.NONE), 20_000_000);
    Trace later = Trace.submit(engine, GenRequest.of(TGI, 3, 10, 100, 3, GenRequest.RequestFaults.NONE), 30_000_000);
    engine.runUntilIdle();

    // the faulty and the joining request are admitted in the step that starts at 20.82 ms; the
    // forward fails at its deadline (prefill 2 × 10 tokens + decode of the running one)
    long failedAt = 20_820_000 + 540_000 + 1_010_000;
    assertThat(running.tokens).hasSize(21);
    for (Trace t : new Trace[] {running, faulty, joining}) {
      assertThat(t.errorKind).isEqualTo(ErrorKind.GENERATION);
      assertThat(t.errorMessage).startsWith("Request failed during generation: ");
      assertThat(t.errorNanos).isEqualTo(failedAt);
      assertThat(t.finishedNanos).isEqualTo(-1);
    }
    assertThat(faulty.tokens).isEmpty();
    assertThat(joining.tokens).isEmpty();
    // the batch's KV is free and a request arriving afterwards runs as on an idle server
    assertThat(later.errorKind).isNull();
    assertThat(later.tokens).hasSize(100);
    assertThat(later.at(1)).isEqualTo(30_620_000);
    assertThat(engine.batchReservedTokens()).isZero();
  }

  @Test
  void aMidStreamErrorStillFailsOnlyItsOwnRequest() {
    Engine engine = Engine.virtual(TGI, new VirtualClock());
    Trace healthy = Trace.submit(engine, GenRequest.of(TGI, 0, 10, 20, 0, GenRequest.RequestFaults.NONE), 0);
    Trace broken = Trace.submit(engine, GenRequest.of(TGI, 1, 10, 20, 1, new GenRequest.RequestFaults(false, 5, 0, 0, 0)), 0);
    engine.runUntilIdle();
    assertThat(broken.tokens).hasSize(5);
    assertThat(broken.errorKind).isEqualTo(ErrorKind.GENERATION);
    assertThat(healthy.tokens).hasSize(20);
    assertThat(healthy.errorKind).isNull();
  }
}
