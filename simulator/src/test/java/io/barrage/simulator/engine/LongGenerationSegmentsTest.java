package io.barrage.simulator.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrage.simulator.Profile;
import io.barrage.simulator.Profiles;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * TGI's 1024-token segments (docs/protocols.md §8) in virtual time: a long request leaves the
 * batch at each boundary, frees its KV, queues again at the back and is prefilled again (one
 * token: the rest is a prefix-cache hit), while its client sees one continuous stream.
 */
class LongGenerationSegmentsTest {
  /** 100 µs validation, prefill 500 µs + 2 µs/token, decode 1000 µs + 10 µs/sequence, 300 µs tail. */
  static final Profile.Timing ROUND = new Profile.Timing(1_000, 10, 0, 500, 2, 100, 300);
  static final Profile TGI = Profiles.get(Profiles.TGI_FAST).withTiming(ROUND);

  static GenRequest request(Profile p, long ordinal, int input, int maxNew) {
    return GenRequest.of(p, ordinal, input, maxNew, ordinal, GenRequest.RequestFaults.NONE);
  }

  @Test
  void aLongRequestAmongOtherWorkMissesAStepAndPaysAOneTokenPrefillAtToken1024() {
    Engine engine = Engine.virtual(TGI, new VirtualClock());
    Trace a = Trace.submit(engine, request(TGI, 0, 10, 2_000), 0);
    Trace b = Trace.submit(engine, request(TGI, 1, 10, 1_024), 50_000_000);
    engine.runUntilIdle();

    // a is alone until b joins at 50.11 ms, then both decode in 1020 µs steps
    assertThat(a.at(50)).isEqualTo(50_110_000);
    assertThat(a.at(51)).isEqualTo(51_640_000);
    assertThat(b.at(1)).isEqualTo(51_640_000);
    long d = a.at(1024);
    assertThat(d).isEqualTo(51_640_000 + 973 * 1_020_000L);
    assertThat(a.itl(1024)).isEqualTo(1_020_000);
    // at 1024 a leaves; b decodes alone for one step while a is re-validated (100 µs); then a is
    // admitted again and the step costs b's decode + a's prefill of ONE token (502 µs)
    assertThat(b.at(975)).isEqualTo(d + 1_010_000);
    assertThat(a.at(1025)).isEqualTo(d + 1_010_000 + 502_000 + 1_010_000);
    assertThat(a.itl(1025)).isEqualTo(2_522_000);
    assertThat(a.itl(1026)).isEqualTo(1_020_000);
    assertThat(b.itl(976)).isEqualTo(1_512_000);
    // one continuous stream: every index once, in order, the right total, one admission as the client sees it
    assertThat(a.tokens).extracting(Token::index).containsExactlyElementsOf(IntStream.rangeClosed(1, 2_000).boxed().toList());
    assertThat(a.tokens.get(1_999).finishReason()).isEqualTo("length");
    assertThat(a.admissions).containsExactly(100_000L);
    assertThat(a.finishedNanos).isEqualTo(a.at(2_000) + 300_000);
    // b asked for exactly 1024: one segment, it ends there and is never re-queued
    assertThat(b.tokens).hasSize(1_024);
    assertThat(b.tokens.get(1_023).last()).isTrue();
    assertThat(engine.batchReservedTokens()).isZero();
  }

  @Test
  void aRequestOfAtMost1024TokensRunsAsOneSegment() {
    Engine engine = Engine.virtual(TGI, new VirtualClock());
    Trace t = Trace.submit(engine, request(TGI, 0, 10, 1_024), 0);
    engine.runUntilIdle();
    assertThat(t.tokens).hasSize(1_024);
    for (int i = 1; i <= 1_024; i++) assertThat(t.at(i)).as("token %d", i).isEqualTo(620_000 + (i - 1) * 1_010_000L);
    assertThat(engine.prefillSteps()).isEqualTo(1);
  }

  @Test
  void aContinuedSegmentQueuesBehindWorkThatArrivedBeforeIt() {
    // no validation time, so the continuation is ready at once: only its place in the queue keeps
    // it behind c; the KV budget holds a's first segment or c, not a's second segment and c
    Profile p = TGI.withTiming(new Profile.Timing(1_000, 10, 0, 500, 2, 0, 0))
        .withLimits(new Profile.Limits(128, 4095, 4096, 2_000, 16_384, 10_000));
    Engine engine = Engine.virtual(p, new VirtualClock());
    Trace a = Trace.submit(engine, request(p, 0, 10, 1_500), 0);
    Trace c = Trace.submit(engine, request(p, 1, 10, 1_024), 1_000_000);
    engine.runUntilIdle();

    long d = a.at(1024);
    assertThat(d).isEqualTo(520_000 + 1_023 * 1_010_000L);
    // c waited for the KV a's first segment held, and got it (and the queue's front) when a left
    assertThat(c.admissions).containsExactly(d);
    assertThat(c.at(1)).isEqualTo(d + 520_000);
    // a's second segment (10 + 1024 + 476 tokens of KV) waits until c is done, then re-prefills one token
    long cLast = c.at(1_024);
    assertThat(a.at(1025)).isEqualTo(cLast + 502_000);
    assertThat(a.tokens).hasSize(1_500);
    assertThat(a.tokens.get(1_499).index()).isEqualTo(1_500);
  }

  @Test
  void eachSegmentReservesKvForAtMost1024NewTokensOnTopOfItsPrompt() {
    GenRequest r = request(TGI, 0, 10, 2_000);
    assertThat(r.reserveTokens()).isEqualTo(10 + 1_024);
    assertThat(r.reserveTokens(1_024)).isEqualTo(10 + 1_024 + 976);
    assertThat(request(TGI, 0, 10, 300).reserveTokens()).isEqualTo(310);
  }

  @Test
  void generationStopsWithLengthWhereTheNextSegmentWouldFailRevalidation() {
    // 3000 + 1024 fits in 4096; after 1024 tokens the prompt is 4024 and 4024 + 976 does not
    GenRequest cut = request(TGI, 0, 3_000, 2_000);
    assertThat(cut.outputTokens()).isEqualTo(1_024);
    assertThat(cut.endsWithEos()).isFalse();
    // 4024 + 72 = 4096 fits: all of it
    assertThat(request(TGI, 0, 3_000, 1_096).outputTokens()).isEqualTo(1_096);
    // max_input_tokens 1024: a continued prompt of 1034 tokens is refused
    Profile a4000 = Profiles.get(Profiles.TGI_2XA4000);
    assertThat(request(a4000, 0, 10, 2_000).outputTokens()).isEqualTo(1_024);
  }
}
