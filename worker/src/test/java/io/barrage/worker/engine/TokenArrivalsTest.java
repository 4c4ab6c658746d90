package io.barrage.worker.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrage.protocol.metrics.IntervalCounters;
import io.barrage.worker.client.RequestTrace;
import org.junit.jupiter.api.Test;

/** Tokens are booked in the interval they arrive; a request's client count is absent when the client cannot count. */
class TokenArrivalsTest {
  static final long MS = 1_000_000L;
  final StepRecorder rec = new StepRecorder("w1", "t/m6/c1");

  RequestTrace watched(boolean measured) {
    RequestTrace t = new RequestTrace("r", 0, measured);
    rec.watchArrivals(t);
    rec.sent(t);
    return t;
  }

  @Test
  void aLongRequestsTokensLandInTheIntervalsTheyArrivedInNotTheOneItEndedIn() {
    RequestTrace t = watched(true);
    for (int i = 0; i < 4; i++) t.tokenEvent((10 + i) * MS, 1);
    IntervalCounters first = rec.drain(1, false).counters();
    for (int i = 4; i < 6; i++) t.tokenEvent((10 + i) * MS, 1);
    t.serverTokens = 6;
    t.finish(20 * MS);
    rec.finished(t);
    IntervalCounters second = rec.drain(0, true).counters();
    assertThat(first.arrivedTokens()).isEqualTo(4);
    assertThat(first.outputTokens()).as("nothing ended yet").isZero();
    assertThat(second.arrivedTokens()).isEqualTo(2);
    assertThat(second.outputTokens()).isEqualTo(6);
  }

  @Test
  void aCountLearntOnlyAtTheEndArrivesAtTheEnd() {
    RequestTrace t = watched(true);
    t.tokenEvent(10 * MS, RequestTrace.UNKNOWN);
    t.tokenEvent(20 * MS, RequestTrace.UNKNOWN); // two chunks; usage says 5
    IntervalCounters first = rec.drain(1, false).counters();
    t.serverTokens = 5;
    t.finish(30 * MS);
    rec.finished(t);
    IntervalCounters second = rec.drain(0, true).counters();
    assertThat(first.arrivedTokens() + second.arrivedTokens()).isEqualTo(5);
    assertThat(second.arrivedTokens()).isEqualTo(3);
  }

  @Test
  void warmupRequestsAreNotBooked() {
    RequestTrace t = watched(false);
    t.tokenEvent(10 * MS, 1);
    t.finish(11 * MS);
    rec.finished(t);
    assertThat(rec.drain(0, true).counters().arrivedTokens()).isZero();
  }

  @Test
  void aClientThatCannotCountReportsNoCountAndNoMismatch() {
    RequestTrace t = watched(true);
    t.tokenEvent(10 * MS, 7); // a whole text: the server says 7, the client has only the text
    t.serverTokens = 7;
    t.clientTokens = RequestTrace.NOT_COUNTED;
    t.finish(11 * MS);
    rec.finished(t);
    IntervalCounters c = rec.drain(0, true).counters();
    assertThat(c.outputTokens()).isEqualTo(7);
    assertThat(c.clientCountedRequests()).isZero();
    assertThat(c.clientTokens()).isZero();
    assertThat(c.tokenMismatches()).isZero();
  }

  @Test
  void aCountedRequestIsComparedWithTheServers() {
    RequestTrace t = watched(true);
    for (int i = 0; i < 3; i++) t.tokenEvent((10 + i) * MS, 1);
    t.serverTokens = 5; // the server claims two tokens it never sent
    t.finish(20 * MS);
    rec.finished(t);
    IntervalCounters c = rec.drain(0, true).counters();
    assertThat(c.clientCountedRequests()).isEqualTo(1);
    assertThat(c.clientTokens()).isEqualTo(3);
    assertThat(c.tokenMismatches()).isEqualTo(1);
  }
}
