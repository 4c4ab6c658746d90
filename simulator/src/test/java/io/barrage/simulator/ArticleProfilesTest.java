package io.barrage.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrage.simulator.ArticleCalibration.Level;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The two article profiles reproduce what the FastAPI-vs-TGI article reports, in its own
 * definitions (per-request throughput and mean latency, per load level, as a client with a
 * 150 s timeout measures them), in virtual time: every anchor within ±25% where the article
 * gives a number.
 */
class ArticleProfilesTest {
  static final Map<Integer, Level> FASTAPI = new LinkedHashMap<>();
  static final Map<Integer, Level> TGI_128 = new LinkedHashMap<>();
  static final Map<Integer, Level> TGI_256 = new LinkedHashMap<>();

  @BeforeAll
  static void replayTheArticlesMatrix() {
    Profile fastapi = Profiles.get(Profiles.FASTAPI_A100);
    Profile tgi = Profiles.get(Profiles.TGI_2XA4000);
    System.out.println("article | c | fastapi tok/s, mean s | tgi 128 tok/s, mean s | tgi 256 tok/s, mean s, max s, over " + ArticleCalibration.TIMEOUT.toSeconds() + " s");
    for (int c : ArticleCalibration.LEVELS) {
      FASTAPI.put(c, ArticleCalibration.replay(fastapi, c, 128));
      TGI_128.put(c, ArticleCalibration.replay(tgi, c, 128));
      TGI_256.put(c, ArticleCalibration.replay(tgi, c, 256));
      System.out.printf(Locale.ROOT, "article | %d | %.2f, %.1f | %.2f, %.1f | %.2f, %.1f, %.1f, %d%n", c,
          FASTAPI.get(c).meanTokensPerSecond(), FASTAPI.get(c).meanLatencySeconds(),
          TGI_128.get(c).meanTokensPerSecond(), TGI_128.get(c).meanLatencySeconds(),
          TGI_256.get(c).meanTokensPerSecond(), TGI_256.get(c).meanLatencySeconds(), TGI_256.get(c).maxLatencySeconds(),
          TGI_256.get(c).overTimeout());
    }
  }

  @Test
  void tgisPerRequestThroughputIsAboutFourTimesFastapisAveragedOverTheLoadLevels() {
    double sum = 0;
    for (int c : ArticleCalibration.LEVELS) sum += TGI_128.get(c).meanTokensPerSecond() / FASTAPI.get(c).meanTokensPerSecond();
    double ratio = sum / ArticleCalibration.LEVELS.size();
    System.out.printf(Locale.ROOT, "article | per-request throughput ratio %.2f (article 4)%n", ratio);
    assertThat(ArticleCalibration.within(ratio, ArticleCalibration.THROUGHPUT_RATIO)).as("ratio %.2f", ratio).isTrue();
  }

  @Test
  void tgisLatencyIsAlmostFiveTimesLowerAveragedOverTheLoadLevels() {
    double sum = 0;
    for (int c : ArticleCalibration.LEVELS) sum += FASTAPI.get(c).meanLatencySeconds() / TGI_128.get(c).meanLatencySeconds();
    double ratio = sum / ArticleCalibration.LEVELS.size();
    System.out.printf(Locale.ROOT, "article | latency ratio %.2f (article almost 5)%n", ratio);
    assertThat(ArticleCalibration.within(ratio, ArticleCalibration.LATENCY_RATIO)).as("ratio %.2f", ratio).isTrue();
  }

  @Test
  void bothStacksPerRequestThroughputFallsAndFastapisLatencyPassesOneHundredSeconds() {
    Level previousF = null, previousT = null;
    for (int c : ArticleCalibration.LEVELS) {
      if (previousF != null) {
        assertThat(FASTAPI.get(c).meanTokensPerSecond()).as("fastapi at %d", c).isLessThan(previousF.meanTokensPerSecond());
        assertThat(TGI_128.get(c).meanTokensPerSecond()).as("tgi at %d", c).isLessThan(previousT.meanTokensPerSecond());
        assertThat(FASTAPI.get(c).meanLatencySeconds()).as("fastapi at %d", c).isGreaterThan(previousF.meanLatencySeconds());
      }
      previousF = FASTAPI.get(c);
      previousT = TGI_128.get(c);
    }
    assertThat(FASTAPI.get(300).meanLatencySeconds()).isGreaterThan(ArticleCalibration.LONG_LATENCY_SECONDS);
    // and every FastAPI request is answered within the timeout: the article reports no FastAPI timeouts
    assertThat(FASTAPI.values()).allSatisfy(l -> assertThat(l.overTimeout()).as("fastapi at %d", l.concurrency()).isZero());
  }

  @Test
  void tgiAt256TokensKeepsItsPerRequestThroughputButTakesClearlyLonger() {
    for (int c : ArticleCalibration.LEVELS) {
      if (c > 200) continue; // the article's chart stops before 300 × 256
      Level short_ = TGI_128.get(c), long_ = TGI_256.get(c);
      assertThat(ArticleCalibration.within(long_.meanTokensPerSecond(), short_.meanTokensPerSecond()))
          .as("at %d: %.2f vs %.2f tok/s", c, long_.meanTokensPerSecond(), short_.meanTokensPerSecond()).isTrue();
      assertThat(long_.meanLatencySeconds()).as("at %d", c).isGreaterThan(1.5 * short_.meanLatencySeconds());
      assertThat(long_.overTimeout()).as("at %d", c).isZero();
    }
    assertThat(TGI_128.values()).allSatisfy(l -> assertThat(l.overTimeout()).isZero());
  }

  @Test
  void tgiAt300By256CollapsesToAboutTwoTokensPerSecondOverOneHundredSecondsWithTimeouts() {
    Level collapse = TGI_256.get(300);
    assertThat(ArticleCalibration.within(collapse.meanTokensPerSecond(), ArticleCalibration.COLLAPSE_TOKENS_PER_SECOND))
        .as("%.2f tok/s", collapse.meanTokensPerSecond()).isTrue();
    assertThat(collapse.meanLatencySeconds()).isGreaterThan(ArticleCalibration.LONG_LATENCY_SECONDS);
    // several requests time out: the ones that waited for KV room, not all of them
    assertThat(collapse.overTimeout()).isBetween(1, 150);
    // what must be answered ends 20% before the timeout, so that a live run, which can only be later
    // than the virtual timeline (a loaded machine, 300 sends spread over a few hundred ms), keeps it
    double timeout = ArticleCalibration.TIMEOUT.toSeconds();
    assertThat(collapse.maxLatencySeconds()).isGreaterThan(1.15 * timeout);
    assertThat(collapse.meanLatencySeconds()).as("the answered ones").isLessThan(0.8 * timeout);
    assertThat(FASTAPI.get(300).maxLatencySeconds()).isLessThan(0.8 * timeout);
    assertThat(TGI_256.get(200).maxLatencySeconds()).isLessThan(0.8 * timeout);
  }
}
