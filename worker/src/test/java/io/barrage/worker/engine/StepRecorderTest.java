package io.barrage.worker.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrage.protocol.metrics.ErrorClass;
import io.barrage.protocol.metrics.Histograms;
import io.barrage.protocol.metrics.IntervalReport;
import io.barrage.protocol.metrics.Metric;
import io.barrage.worker.client.RequestTrace;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class StepRecorderTest {
  static final long MS = 1_000_000L;
  final StepRecorder rec = new StepRecorder("w1", "t/m4/c1");

  /** sched 0, send 1 ms, tokens at 11, 21, 31, 41 ms, end 42 ms; server count 4. */
  RequestTrace fourTokens(boolean measured) {
    RequestTrace t = new RequestTrace("r", 0, measured);
    t.tSend = 1 * MS;
    for (int i = 0; i < 4; i++) t.tokenEvent((11 + 10 * i) * MS, 1);
    t.serverTokens = 4;
    t.finish(42 * MS);
    return t;
  }

  Histogram h(IntervalReport r, Metric m) {
    return Histograms.decode(r.histograms().get(m));
  }

  @Test
  void aRequestIsCountedInTheSameReportAsItsSamplesWhenItEndsDuringADrain() throws Exception {
    int writers = 3, each = 30_000;
    RequestTrace proto = fourTokens(true);
    java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(writers);
    java.util.concurrent.atomic.AtomicInteger drains = new java.util.concurrent.atomic.AtomicInteger();
    for (int w = 0; w < writers; w++) {
      Thread t = new Thread(() -> {
        for (int i = 0; i < each; i++) {
          rec.finished(proto);
          // halfway, every writer waits for two drains: however the machine schedules the threads,
          // drains happen between the writers' requests, not only after them
          if (i == each / 2) {
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
            while (drains.get() < 2 && System.nanoTime() < deadline) Thread.onSpinWait();
          }
        }
        done.countDown();
      });
      t.setDaemon(true);
      t.start();
    }
    java.util.List<IntervalReport> reports = new java.util.ArrayList<>();
    while (done.getCount() > 0) { // drains race the writers
      reports.add(rec.drain(0, false));
      drains.incrementAndGet();
    }
    reports.add(rec.drain(0, true));
    long ok = 0;
    for (IntervalReport r : reports) {
      long e2e = r.histograms().containsKey(Metric.E2E_END) ? h(r, Metric.E2E_END).getTotalCount() : 0;
      long ttft = r.histograms().containsKey(Metric.TTFT) ? h(r, Metric.TTFT).getTotalCount() : 0;
      // were a report lost (its worker killed), the next one could not make up for a split request
      assertThat(e2e).as("report %d", r.sequence()).isEqualTo(r.counters().ok());
      assertThat(ttft).as("report %d", r.sequence()).isEqualTo(r.counters().ok());
      ok += r.counters().ok();
    }
    assertThat(ok).isEqualTo((long) writers * each);
    assertThat(reports.size()).isGreaterThan(2);
  }

  @Test
  void everyMetricFollowsTheDesignDefinitions() {
    RequestTrace t = fourTokens(true);
    rec.sent(t);
    rec.finished(t);
    IntervalReport r = rec.drain(0, false);
    assertThat(h(r, Metric.TTFT).getMaxValue()).isBetween(9_990L, 10_010L);
    assertThat(h(r, Metric.TTFT_SCHED).getMaxValue()).isBetween(10_990L, 11_010L);
    assertThat(h(r, Metric.E2E).getMaxValue()).isBetween(39_960L, 40_040L);
    assertThat(h(r, Metric.E2E_END).getMaxValue()).isBetween(40_960L, 41_040L);
    assertThat(h(r, Metric.TPOT).getMaxValue()).isBetween(9_990L, 10_010L);
    assertThat(h(r, Metric.NTPOT).getMaxValue()).isBetween(9_990L, 10_010L);
    assertThat(h(r, Metric.ITL).getTotalCount()).isEqualTo(3);
    assertThat(h(r, Metric.SEND_LAG).getMaxValue()).isBetween(999L, 1_001L);
    assertThat(r.histograms()).doesNotContainKeys(Metric.SERVER_TPOT, Metric.QUEUE);
    assertThat(r.counters().ok()).isEqualTo(1);
    assertThat(r.counters().outputTokens()).isEqualTo(4);
    assertThat(r.counters().clientTokens()).isEqualTo(4);
    assertThat(r.counters().tokenMismatches()).isZero();
    assertThat(r.counters().started()).isEqualTo(1);
    assertThat(r.counters().lastMeasuredEndNanosEpoch() - r.counters().firstMeasuredStartNanosEpoch()).isEqualTo(41 * MS);
  }

  @Test
  void aWholeTextResponseHasNoTimePerOutputToken() {
    RequestTrace t = new RequestTrace("r", 0, true);
    t.tSend = 0;
    t.tokenEvent(500 * MS, RequestTrace.UNKNOWN); // FastAPI-style: the whole text, 128 tokens, at once
    t.serverTokens = 128;
    t.finish(501 * MS);
    rec.finished(t);
    IntervalReport r = rec.drain(0, false);
    assertThat(r.histograms()).doesNotContainKey(Metric.TPOT);
    assertThat(h(r, Metric.TTFT).getMaxValue()).isBetween(499_000L, 501_000L);
    // ms/token (ntpot) is still defined: e2e / tokens = 500 ms / 128
    assertThat(h(r, Metric.NTPOT).getMaxValue()).isBetween(3_900L, 3_910L);
    // and so is the per-request rate: 128 tokens / 0.5 s = 256 tokens/s, in milli-tokens/s
    assertThat(h(r, Metric.PER_REQUEST_THROUGHPUT).getMaxValue()).isBetween(255_800L, 256_200L);
  }

  @Test
  void perRequestThroughputIsEachRequestsTokensOverItsLatencyAndFailuresHaveNone() {
    RequestTrace fast = fourTokens(true); // 4 tokens, e2e 40 ms: 100 tokens/s
    RequestTrace slow = new RequestTrace("s", 0, true);
    slow.tSend = 0;
    for (int i = 1; i <= 2; i++) slow.tokenEvent(i * 1_000 * MS, 1); // 2 tokens in 2 s: 1 token/s
    slow.serverTokens = 2;
    slow.finish(2_000 * MS);
    RequestTrace failed = new RequestTrace("f", 0, true);
    failed.tSend = 0;
    failed.tokenEvent(10 * MS, 1);
    failed.failAndFinish(ErrorClass.RESET, "reset", 20 * MS);
    for (RequestTrace t : new RequestTrace[] {fast, slow, failed}) rec.finished(t);
    Histogram h = h(rec.drain(0, false), Metric.PER_REQUEST_THROUGHPUT);
    assertThat(h.getTotalCount()).isEqualTo(2);
    assertThat(h.getMinValue()).isBetween(999L, 1_001L);
    assertThat(h.getMaxValue()).isBetween(99_900L, 100_100L);
    // the mean of the rates (50.5 tokens/s), not all tokens over all time (6 / 2.04 s)
    assertThat(h.getMean() / Metric.MILLI).isCloseTo(50.5, org.assertj.core.api.Assertions.within(0.1));
  }

  @Test
  void itlHasOneSamplePerTokenWhenAChunkCarriesSeveral() {
    RequestTrace t = new RequestTrace("r", 0, true);
    t.tSend = 0;
    t.tokenEvent(10 * MS, RequestTrace.UNKNOWN);
    t.tokenEvent(40 * MS, RequestTrace.UNKNOWN); // carries 3 tokens: gap 30 ms → 3 samples of 10 ms
    t.serverTokens = 4;
    t.finish(41 * MS);
    rec.finished(t);
    IntervalReport r = rec.drain(0, false);
    Histogram itl = h(r, Metric.ITL);
    assertThat(itl.getTotalCount()).isEqualTo(3);
    assertThat(itl.getMaxValue()).isBetween(9_990L, 10_010L);
    assertThat(r.counters().tokenMismatches()).isEqualTo(1);
    assertThat(r.counters().clientTokens()).isEqualTo(2);
    assertThat(r.counters().outputTokens()).isEqualTo(4);
  }

  @Test
  void failedRequestsAreCountedByClassAndNeverEnterLatencyHistograms() {
    RequestTrace t = fourTokens(true);
    t.error = ErrorClass.HTTP_STATUS;
    t.httpStatus = 503;
    rec.finished(t);
    IntervalReport r = rec.drain(0, false);
    assertThat(r.counters().errors()).containsEntry(ErrorClass.HTTP_STATUS, 1L);
    assertThat(r.counters().httpStatuses()).containsEntry(503, 1L);
    assertThat(r.counters().ok()).isZero();
    assertThat(r.histograms()).as("only the generator's send lag: the request was written").containsOnlyKeys(Metric.SEND_LAG);
  }

  @Test
  void warmupRequestsAreExcluded() {
    RequestTrace t = fourTokens(false);
    rec.sent(t);
    rec.finished(t);
    IntervalReport r = rec.drain(0, false);
    assertThat(r.counters().warmupRequests()).isEqualTo(1);
    assertThat(r.counters().ok()).isZero();
    assertThat(r.counters().started()).isEqualTo(1);
    assertThat(r.histograms()).isEmpty();
    assertThat(r.counters().firstMeasuredStartNanosEpoch()).isEqualTo(-1);
  }

  @Test
  void intervalsAreDeltasWithIncreasingSequence() {
    RequestTrace t = fourTokens(true);
    rec.finished(t);
    IntervalReport a = rec.drain(3, false);
    IntervalReport b = rec.drain(0, true);
    assertThat(a.sequence()).isZero();
    assertThat(b.sequence()).isEqualTo(1);
    assertThat(a.counters().ok()).isEqualTo(1);
    assertThat(a.counters().inFlight()).isEqualTo(3);
    assertThat(b.counters().ok()).isZero();
    assertThat(b.histograms()).isEmpty();
    assertThat(b.last()).isTrue();
  }

  @Test
  void valuesOverTheRangeAreClampedAndCounted() {
    RequestTrace t = new RequestTrace("r", 0, true);
    t.tSend = 0;
    t.tokenEvent(2L * 3_600_000_000_000L, 1); // two hours
    t.finish(2L * 3_600_000_000_000L);
    rec.finished(t);
    IntervalReport r = rec.drain(0, false);
    assertThat(r.counters().clamped()).isPositive();
    assertThat(h(r, Metric.TTFT).getMaxValue()).isGreaterThanOrEqualTo(Histograms.HIGHEST_US);
  }

  /** A request whose connection attempt failed at {@code atMs} with {@code message}. */
  static RequestTrace refused(long atMs, String message) {
    RequestTrace t = new RequestTrace("x", atMs * MS, true);
    t.connectStart = atMs * MS;
    t.failAndFinish(ErrorClass.CONNECT, message, atMs * MS);
    return t;
  }

  @Test
  void eachNewConnectionOfAMeasuredRequestIsOneConnectSampleOutsideTtft() {
    RequestTrace t = fourTokens(true);
    t.connectStart = 0;
    t.connectEnd = MS / 2;
    rec.connected(t);
    rec.sent(t);
    rec.finished(t);
    IntervalReport r = rec.drain(0, false);
    assertThat(h(r, Metric.CONNECT).getTotalCount()).isEqualTo(1);
    assertThat(h(r, Metric.CONNECT).getMaxValue()).isBetween(499L, 501L);
    assertThat(h(r, Metric.TTFT).getMaxValue()).as("from the first byte written").isBetween(9_990L, 10_010L);
  }

  @Test
  void aRequestWrittenTwiceCountsOneRetryAndNoError() {
    RequestTrace t = fourTokens(true);
    t.retries = 1;
    rec.finished(t);
    IntervalReport r = rec.drain(0, false);
    assertThat(r.counters().retries()).isEqualTo(1);
    assertThat(r.counters().ok()).isEqualTo(1);
    assertThat(r.counters().errors()).isEmpty();
  }

  @Test
  void failedConnectsOpenAnUnreachableSpanThatTheNextConnectCloses() {
    rec.finished(refused(100, "Connection refused"));
    rec.finished(refused(150, "Connection refused"));
    rec.finished(refused(400, "Connection refused"));
    RequestTrace back = fourTokens(true);
    back.connectStart = 900 * MS;
    back.connectEnd = 901 * MS;
    rec.connected(back);
    IntervalReport r = rec.drain(0, false);
    assertThat(r.counters().unreachable()).hasSize(1);
    var span = r.counters().unreachable().get(0);
    assertThat(span.failedAttempts()).isEqualTo(3);
    assertThat(span.endEpochMs() - span.startEpochMs()).isBetween(800L, 802L);
    assertThat(r.counters().errors()).containsEntry(ErrorClass.CONNECT, 3L);
    assertThat(r.counters().errorMessages()).containsEntry(ErrorClass.CONNECT, java.util.List.of("Connection refused"));
    assertThat(rec.drain(0, false).counters().errorMessages()).as("each message goes out once").isEmpty();
  }

  @Test
  void withoutConnectEventsAnAnsweredRequestEndsTheUnreachableSpan() {
    rec.finished(refused(100, "Connection refused"));
    RequestTrace answered = new RequestTrace("a", 300 * MS, true);
    answered.tSend = 300 * MS;
    answered.httpStatus = 503;
    answered.failAndFinish(ErrorClass.HTTP_STATUS, "HTTP 503", 310 * MS);
    rec.finished(answered);
    var spans = rec.drain(0, false).counters().unreachable();
    assertThat(spans).hasSize(1);
    assertThat(spans.get(0).endEpochMs() - spans.get(0).startEpochMs()).isBetween(199L, 201L);
  }

  @Test
  void anOutageStillGoingAtTheEndOfAnIntervalContinuesInTheNext() {
    rec.finished(refused(System.nanoTime() / MS, "Connection refused"));
    IntervalReport a = rec.drain(0, false);
    rec.finished(refused(System.nanoTime() / MS, "Connection refused"));
    IntervalReport b = rec.drain(0, false);
    assertThat(a.counters().unreachable()).hasSize(1);
    assertThat(b.counters().unreachable()).hasSize(1);
    assertThat(b.counters().unreachable().get(0).startEpochMs()).isEqualTo(a.counters().unreachable().get(0).endEpochMs());
    assertThat(a.counters().unreachable().get(0).failedAttempts() + b.counters().unreachable().get(0).failedAttempts()).isEqualTo(2);
  }

  @Test
  void errorMessagesCarryNoCredential() {
    rec.redactWith(s -> s.replace("sk-live-123456", "***"));
    RequestTrace t = new RequestTrace("m", 0, true);
    t.failAndFinish(ErrorClass.MALFORMED, "bad event near sk-live-123456 and Authorization: Bearer abc.def\nnext", 50 * MS);
    rec.finished(t);
    String m = rec.drain(0, false).counters().errorMessages().get(ErrorClass.MALFORMED).get(0);
    assertThat(m).doesNotContain("sk-live-123456").doesNotContain("abc.def").doesNotContain("\n").contains("***");
    assertThat(ErrorText.clean("Unrecognized token 'x' then api_key=s3cr3t and Bearer eyJhbGciOi", x -> x))
        .isEqualTo("Unrecognized token 'x' then api_key=*** and Bearer ***");
  }
}
