package io.barrage.common.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PrometheusTextTest {

  @Test
  void aFamilyIsItsHelpAndTypeLinesThenItsSamples() {
    PrometheusText t = new PrometheusText();
    t.family("barrage_requests_ok_total", PrometheusText.Type.COUNTER, "Requests that succeeded.")
        .sample(42, "target", "tgi", "cell", "tgi/m128/c5")
        .sample(0, "target", "fastapi", "cell", "fastapi/m128/c5");
    t.family("barrage_in_flight", PrometheusText.Type.GAUGE, "In flight.").sample(2.5);
    assertThat(t.text()).isEqualTo("""
        # HELP barrage_requests_ok_total Requests that succeeded.
        # TYPE barrage_requests_ok_total counter
        barrage_requests_ok_total{target="tgi",cell="tgi/m128/c5"} 42
        barrage_requests_ok_total{target="fastapi",cell="fastapi/m128/c5"} 0
        # HELP barrage_in_flight In flight.
        # TYPE barrage_in_flight gauge
        barrage_in_flight 2.5
        """);
  }

  @Test
  void labelValuesAndHelpAreEscapedSoANameCannotBreakALine() {
    PrometheusText t = new PrometheusText();
    t.family("x", PrometheusText.Type.GAUGE, "back\\slash and\nnewline").sample(1, "target", "a\"b\\c\nd");
    assertThat(t.text()).isEqualTo("""
        # HELP x back\\\\slash and\\nnewline
        # TYPE x gauge
        x{target="a\\"b\\\\c\\nd"} 1
        """);
  }

  @Test
  void namesOutsideTheFormatsGrammarAreRefusedWithTheName() {
    PrometheusText t = new PrometheusText();
    assertThatThrownBy(() -> t.family("1bad", PrometheusText.Type.GAUGE, "h")).hasMessageContaining("'1bad'");
    t.family("ok", PrometheusText.Type.GAUGE, "h");
    assertThatThrownBy(() -> t.sample(1, "bad-label", "v")).hasMessageContaining("'bad-label'");
    assertThatThrownBy(() -> t.sample(1, "le", "v")).hasMessageContaining("'le'");
    assertThatThrownBy(() -> t.sample(1, "odd")).hasMessageContaining("pairs");
    assertThatThrownBy(() -> t.family("ok", PrometheusText.Type.GAUGE, "h")).hasMessageContaining("twice");
    t.family("c_total", PrometheusText.Type.COUNTER, "h");
    assertThatThrownBy(() -> t.sample(-1)).hasMessageContaining("never negative");
  }

  @Test
  void specialValuesAreWrittenAsTheFormatSpellsThem() {
    assertThat(PrometheusText.number(Double.NaN)).isEqualTo("NaN");
    assertThat(PrometheusText.number(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
    assertThat(PrometheusText.number(Double.NEGATIVE_INFINITY)).isEqualTo("-Inf");
    assertThat(PrometheusText.number(1e20)).isEqualTo("1.0E20");
    assertThat(PrometheusText.number(-3)).isEqualTo("-3");
  }

  @Test
  void aHistogramHasCumulativeBucketsEndingInInfThenSumAndCount() {
    LatencyBuckets b = new LatencyBuckets();
    b.record(100_000); // 100 µs: exactly on the first bound, which is inclusive
    b.record(150_000, 2); // under 160 µs
    b.record(2_000_000_000_000L); // 2000 s: above every bound
    PrometheusText t = new PrometheusText();
    t.family("barrage_ttft_seconds", PrometheusText.Type.HISTOGRAM, "TTFT.").histogram(b.snapshot(), "target", "tgi");
    String text = t.text();
    assertThat(text).contains("barrage_ttft_seconds_bucket{target=\"tgi\",le=\"0.0001\"} 1\n")
        .contains("barrage_ttft_seconds_bucket{target=\"tgi\",le=\"0.00016\"} 3\n")
        .contains("barrage_ttft_seconds_bucket{target=\"tgi\",le=\"2.5\"} 3\n")
        .contains("barrage_ttft_seconds_bucket{target=\"tgi\",le=\"1000\"} 3\n")
        .contains("barrage_ttft_seconds_bucket{target=\"tgi\",le=\"+Inf\"} 4\n")
        .contains("barrage_ttft_seconds_sum{target=\"tgi\"} 2000.0004\n")
        .contains("barrage_ttft_seconds_count{target=\"tgi\"} 4\n");
    assertThat(text.lines().filter(l -> l.contains("_bucket{")).count()).isEqualTo(37);
  }

  @Test
  void theBucketBoundsAreTheR5SeriesFrom100MicrosecondsTo1000Seconds() {
    double[] b = LatencyBuckets.boundsSeconds();
    assertThat(b).hasSize(36).startsWith(0.0001, 0.00016, 0.00025, 0.0004, 0.00063, 0.001).endsWith(400, 630, 1000);
    for (int i = 1; i < b.length; i++) assertThat(b[i] / b[i - 1]).isBetween(1.5, 1.65);
    assertThat(PrometheusText.le(0.00063)).isEqualTo("0.00063");
    assertThat(PrometheusText.le(1000)).isEqualTo("1000");
  }

  @Test
  void whatItWritesIsReadBackByTheStrictParserWithTheSameValues() throws Exception {
    LatencyBuckets b = new LatencyBuckets();
    b.record(3_000_000, 5); // 3 ms
    b.record(900_000_000); // 0.9 s
    PrometheusText t = new PrometheusText();
    t.family("barrage_requests_failed_total", PrometheusText.Type.COUNTER, "Failed.")
        .sample(3, "target", "a \"quoted\" name", "error_class", "http");
    t.family("barrage_e2e_seconds", PrometheusText.Type.HISTOGRAM, "e2e.").histogram(b.snapshot(), "target", "tgi");
    Exposition e = PrometheusTextParser.parse(t.text());
    assertThat(e.family("barrage_requests_failed_total").orElseThrow().type()).isEqualTo(MetricType.COUNTER);
    Sample failed = e.samples("barrage_requests_failed_total").get(0);
    assertThat(failed.label("target")).isEqualTo("a \"quoted\" name");
    assertThat(failed.value()).isEqualTo(3);
    assertThat(e.family("barrage_e2e_seconds").orElseThrow().type()).isEqualTo(MetricType.HISTOGRAM);
    assertThat(e.samples("barrage_e2e_seconds_count").get(0).value()).isEqualTo(6);
    assertThat(e.samples("barrage_e2e_seconds_bucket").stream().filter(s -> s.label("le").equals("0.004")).findFirst().orElseThrow().value())
        .isEqualTo(5);
    assertThat(e.samples("barrage_e2e_seconds_sum").get(0).value()).isCloseTo(0.915, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void aHistogramWithItsOwnBoundsNeedsOneCountPerBucketAndAscendingBounds() throws Exception {
    PrometheusText t = new PrometheusText();
    t.family("tgi_request_duration", PrometheusText.Type.HISTOGRAM, "TGI's own buckets.")
        .histogram(new double[] {0.00015, 0.000225}, new long[] {1, 2, 3}, 0.5);
    assertThat(PrometheusTextParser.parse(t.text()).samples("tgi_request_duration_bucket")).extracting(Sample::value)
        .containsExactly(1.0, 3.0, 6.0);
    assertThatThrownBy(() -> t.histogram(new double[] {1, 2}, new long[] {1, 2}, 0)).hasMessageContaining("need 3 bucket counts");
    assertThatThrownBy(() -> t.histogram(new double[] {2, 1}, new long[] {1, 2, 3}, 0)).hasMessageContaining("ascend");
  }

  @Test
  void aFamilyWithoutHelpIsOnlyItsTypeLineAndReadsBackWithoutHelp() throws Exception {
    PrometheusText t = new PrometheusText();
    t.family("tgi_request_count", PrometheusText.Type.COUNTER, null).sample(7);
    t.family("tgi_batch_inference_count", PrometheusText.Type.COUNTER, null).sample(3, "method", "prefill").sample(9, "method", "decode");
    assertThat(t.text()).isEqualTo("""
        # TYPE tgi_request_count counter
        tgi_request_count 7
        # TYPE tgi_batch_inference_count counter
        tgi_batch_inference_count{method="prefill"} 3
        tgi_batch_inference_count{method="decode"} 9
        """);
    Exposition e = PrometheusTextParser.parse(t.text());
    assertThat(e.family("tgi_request_count").orElseThrow().help()).isEmpty();
    assertThat(e.family("tgi_batch_inference_count").orElseThrow().type()).isEqualTo(MetricType.COUNTER);
    assertThat(e.samples("tgi_batch_inference_count")).extracting(s -> s.label("method"), Sample::value)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("prefill", 3.0), org.assertj.core.groups.Tuple.tuple("decode", 9.0));
  }

  @Test
  void aSummaryIsItsQuantilesThenSumAndCountAndReadsBackAsASummary() throws Exception {
    PrometheusText t = new PrometheusText();
    t.family("barrage_sim_scheduling_lag_seconds", PrometheusText.Type.SUMMARY, "Lag.")
        .summary(new double[] {0.5, 0.99, 1.0}, new double[] {0.001, 0.25, 2}, 12.5, 40, "loop", "0");
    assertThat(t.text()).isEqualTo("""
        # HELP barrage_sim_scheduling_lag_seconds Lag.
        # TYPE barrage_sim_scheduling_lag_seconds summary
        barrage_sim_scheduling_lag_seconds{loop="0",quantile="0.5"} 0.001
        barrage_sim_scheduling_lag_seconds{loop="0",quantile="0.99"} 0.25
        barrage_sim_scheduling_lag_seconds{loop="0",quantile="1.0"} 2
        barrage_sim_scheduling_lag_seconds_sum{loop="0"} 12.5
        barrage_sim_scheduling_lag_seconds_count{loop="0"} 40
        """);
    Exposition e = PrometheusTextParser.parse(t.text());
    assertThat(e.family("barrage_sim_scheduling_lag_seconds").orElseThrow().type()).isEqualTo(MetricType.SUMMARY);
    assertThat(e.samples("barrage_sim_scheduling_lag_seconds")).extracting(s -> s.label("quantile"), Sample::value)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("0.5", 0.001), org.assertj.core.groups.Tuple.tuple("0.99", 0.25),
            org.assertj.core.groups.Tuple.tuple("1.0", 2.0));
    assertThat(e.samples("barrage_sim_scheduling_lag_seconds_count").get(0).value()).isEqualTo(40);
  }

  @Test
  void aSummaryNeedsAscendingQuantilesInZeroToOneWithAValueEach() {
    PrometheusText t = new PrometheusText();
    t.family("g", PrometheusText.Type.GAUGE, null);
    assertThatThrownBy(() -> t.summary(new double[] {0.5}, new double[] {1}, 1, 1)).hasMessageContaining("needs a summary family");
    t.family("s", PrometheusText.Type.SUMMARY, null);
    assertThatThrownBy(() -> t.sample(1)).hasMessageContaining("counter or gauge");
    assertThatThrownBy(() -> t.summary(new double[] {0.9, 0.5}, new double[] {1, 2}, 3, 2)).hasMessageContaining("ascend");
    assertThatThrownBy(() -> t.summary(new double[] {1.5}, new double[] {1}, 1, 1)).hasMessageContaining("[0, 1]");
    assertThatThrownBy(() -> t.summary(new double[] {0.5, 0.9}, new double[] {1}, 1, 1)).hasMessageContaining("need 2 values");
    assertThatThrownBy(() -> t.summary(new double[] {0.5}, new double[] {1}, 1, 1, "quantile", "x")).hasMessageContaining("'quantile'");
  }

  @Test
  void manyLabelsKeepTheirOrderAndEscapedValuesReadBackIntact() throws Exception {
    PrometheusText t = new PrometheusText();
    t.family("DCGM_FI_DEV_POWER_USAGE", PrometheusText.Type.GAUGE, "Power draw (in W).")
        .sample(123.456, "gpu", "0", "UUID", "GPU-0", "modelName", "NVIDIA \"A4000\" \\ 16\nGB", "Hostname", "h");
    assertThat(t.text()).contains(
        "DCGM_FI_DEV_POWER_USAGE{gpu=\"0\",UUID=\"GPU-0\",modelName=\"NVIDIA \\\"A4000\\\" \\\\ 16\\nGB\",Hostname=\"h\"} 123.456\n");
    Sample s = PrometheusTextParser.parse(t.text()).samples("DCGM_FI_DEV_POWER_USAGE").get(0);
    assertThat(s.labels().keySet()).containsExactly("gpu", "UUID", "modelName", "Hostname");
    assertThat(s.label("modelName")).isEqualTo("NVIDIA \"A4000\" \\ 16\nGB");
    assertThat(s.value()).isEqualTo(123.456);
  }
}
