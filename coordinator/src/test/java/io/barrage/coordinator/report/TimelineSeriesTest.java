package io.barrage.coordinator.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrage.coordinator.report.model.Timeline;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TimelineSeriesTest {
  static final long T0 = 1_700_000_000_000L;

  /** Intervals of one worker between the given edges (ms after T0), delivering {@code rate} tokens/s. */
  static List<Timeline.Point> worker(String name, double rate, long... edges) {
    List<Timeline.Point> out = new ArrayList<>();
    for (int i = 1; i < edges.length; i++) {
      long tokens = Math.round(rate * (edges[i] - edges[i - 1]) / 1000.0);
      out.add(new Timeline.Point(name, T0 + edges[i - 1], T0 + edges[i], 0, 0, 0, 4, tokens));
    }
    return out;
  }

  @Test
  void aSteadyRateStaysSteadyWhateverTheIntervalEdgesAndTheShortLastInterval() {
    List<Timeline.Point> pts = new ArrayList<>(worker("w1", 500, 0, 1000, 2000, 3000, 4000, 5000, 5030));
    pts.addAll(worker("w2", 500, 0, 370, 1370, 2370, 3370, 4370, 5030));
    Timeline tl = new Timeline(1, T0, List.of(new Timeline.CellTimeline("t/m8/c8", "t", T0, T0 + 5030, pts)));
    List<TimelineSeries.Point> series = TimelineSeries.tokensPerSecond(tl, "t", T0);
    assertThat(series).hasSize(5).allSatisfy(p -> assertThat(p.value()).isBetween(990.0, 1010.0));
    assertThat(series.get(4).seconds()).as("the last 30 ms joined the bucket before").isBetween(4.0, 5.1);
  }

  @Test
  void tokensInAShortIntervalAreNotDividedByItsLengthAlone() {
    // a cell that ends 40 ms into a second: those 40 ms delivered 40 tokens (1,000 tok/s, as before)
    List<Timeline.Point> pts = worker("w1", 1000, 0, 1000, 2000, 2040);
    Timeline tl = new Timeline(1, T0, List.of(new Timeline.CellTimeline("c", "t", T0, T0 + 2040, pts)));
    assertThat(TimelineSeries.tokensPerSecond(tl, "t", T0)).extracting(TimelineSeries.Point::value)
        .allSatisfy(v -> assertThat(v).isBetween(990.0, 1010.0));
  }

  @Test
  void resultsWithoutArrivalCountsUseTheTokensOfEndedRequests() {
    Timeline.Point old = new Timeline.Point("w1", T0, T0 + 1000, 700, 7, 0, 1, null);
    Timeline tl = new Timeline(1, T0, List.of(new Timeline.CellTimeline("c", "t", T0, T0 + 1000, List.of(old))));
    assertThat(TimelineSeries.tokensPerSecond(tl, "t", T0)).extracting(TimelineSeries.Point::value).containsExactly(700.0);
  }

  @Test
  void eachTargetHasOneColourInEveryChart(@TempDir Path dir) throws Exception {
    ResultWriter.write(SyntheticRun.create(), dir); // two targets, two output lengths each
    ResultSet rs = ResultSet.read(dir);
    Pattern series = Pattern.compile("<path class=\"series\" d=\"[^\"]*\" stroke=\"(#[0-9a-f]{6})\"[^>]*><title>([^<]*)</title>");
    Map<String, Set<String>> colours = new HashMap<>();
    int charts = 0;
    for (SvgChart c : HtmlReport.charts(rs)) {
      Matcher m = series.matcher(c.render());
      boolean any = false;
      while (m.find()) {
        String target = m.group(2).split(" ")[0];
        colours.computeIfAbsent(target, k -> new HashSet<>()).add(m.group(1));
        any = true;
      }
      if (any) charts++;
    }
    assertThat(charts).isGreaterThanOrEqualTo(8);
    assertThat(colours).containsOnlyKeys("fastapi-a100", "tgi-2xa4000");
    assertThat(colours.get("fastapi-a100")).hasSize(1);
    assertThat(colours.get("tgi-2xa4000")).hasSize(1).doesNotContainAnyElementsOf(colours.get("fastapi-a100"));
  }
}
