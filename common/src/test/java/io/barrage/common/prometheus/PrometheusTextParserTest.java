package io.barrage.common.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PrometheusTextParserTest {

  /** The example of the format's description (exposition_formats.md, "Text format example"). */
  private static final String SPEC_EXAMPLE =
      """
      # HELP http_requests_total The total number of HTTP requests.
      # TYPE http_requests_total counter
      http_requests_total{method="post",code="200"} 1027 1395066363000
      http_requests_total{method="post",code="400"}    3 1395066363000

      # Escaping in label values:
      msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""} 1.458255915e9

      # Minimalistic line:
      metric_without_timestamp_and_labels 12.47

      # A weird metric from before the epoch:
      something_weird{problem="division by zero"} +Inf -3982045

      # A histogram, which has a pretty complex representation in the text format:
      # HELP http_request_duration_seconds A histogram of the request duration.
      # TYPE http_request_duration_seconds histogram
      http_request_duration_seconds_bucket{le="0.05"} 24054
      http_request_duration_seconds_bucket{le="0.1"} 33444
      http_request_duration_seconds_bucket{le="0.2"} 100392
      http_request_duration_seconds_bucket{le="0.5"} 129389
      http_request_duration_seconds_bucket{le="1"} 133988
      http_request_duration_seconds_bucket{le="+Inf"} 144320
      http_request_duration_seconds_sum 53423
      http_request_duration_seconds_count 144320

      # Finally a summary, which has a complex representation, too:
      # HELP rpc_duration_seconds A summary of the RPC duration in seconds.
      # TYPE rpc_duration_seconds summary
      rpc_duration_seconds{quantile="0.01"} 3102
      rpc_duration_seconds{quantile="0.05"} 3272
      rpc_duration_seconds{quantile="0.5"} 4773
      rpc_duration_seconds{quantile="0.9"} 9001
      rpc_duration_seconds{quantile="0.99"} 76656
      rpc_duration_seconds_sum 1.7560473e+07
      rpc_duration_seconds_count 2693
      """;

  @Test
  void theFormatsOwnExampleParsesIntoItsSixMetrics() throws Exception {
    Exposition e = PrometheusTextParser.parse(SPEC_EXAMPLE);

    assertThat(e.families())
        .extracting(MetricFamily::name)
        .containsExactly(
            "http_requests_total",
            "msdos_file_access_time_seconds",
            "metric_without_timestamp_and_labels",
            "something_weird",
            "http_request_duration_seconds",
            "rpc_duration_seconds");
    MetricFamily requests = e.family("http_requests_total").orElseThrow();
    assertThat(requests.type()).isEqualTo(MetricType.COUNTER);
    assertThat(requests.help()).contains("The total number of HTTP requests.");
    assertThat(requests.samples()).hasSize(2);
    Sample post400 = requests.samples().get(1);
    assertThat(post400.labels()).containsExactly(Map.entry("method", "post"), Map.entry("code", "400"));
    assertThat(post400.value()).isEqualTo(3.0);
    assertThat(post400.timestampMillis()).isEqualTo(OptionalLong.of(1395066363000L));

    Sample msdos = e.samples("msdos_file_access_time_seconds").get(0);
    assertThat(msdos.label("path")).isEqualTo("C:\\DIR\\FILE.TXT");
    assertThat(msdos.label("error")).isEqualTo("Cannot find file:\n\"FILE.TXT\"");
    assertThat(msdos.value()).isEqualTo(1.458255915e9);
    assertThat(msdos.timestampMillis()).isEmpty();

    assertThat(e.family("metric_without_timestamp_and_labels").orElseThrow().type()).isEqualTo(MetricType.UNTYPED);
    Sample weird = e.samples("something_weird").get(0);
    assertThat(weird.value()).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(weird.timestampMillis()).isEqualTo(OptionalLong.of(-3982045L));

    MetricFamily histogram = e.family("http_request_duration_seconds").orElseThrow();
    assertThat(histogram.type()).isEqualTo(MetricType.HISTOGRAM);
    assertThat(histogram.samples()).hasSize(8);
    assertThat(e.samples("http_request_duration_seconds_bucket"))
        .extracting(s -> s.label("le"))
        .containsExactly("0.05", "0.1", "0.2", "0.5", "1", "+Inf");
    assertThat(e.samples("http_request_duration_seconds_count").get(0).value()).isEqualTo(144320.0);

    MetricFamily summary = e.family("rpc_duration_seconds").orElseThrow();
    assertThat(summary.type()).isEqualTo(MetricType.SUMMARY);
    assertThat(e.samples("rpc_duration_seconds")).hasSize(5);
    assertThat(e.samples("rpc_duration_seconds_sum").get(0).value()).isEqualTo(1.7560473e7);
  }

  @Test
  void nanAndBothInfinitiesAreValues() throws Exception {
    Exposition e = PrometheusTextParser.parse("a NaN\nb +Inf\nc -Inf\nd Inf\ne -1.5e-3\nf .5\n");
    assertThat(e.samples()).extracting(Sample::value)
        .containsExactly(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, -0.0015, 0.5);
  }

  @Test
  void blanksTabsTrailingCommasAndEmptyLabelSetsAreAllowed() throws Exception {
    Exposition e = PrometheusTextParser.parse("  \t\n\tx { a = \"1\" , b=\"2\", } \t 7 \t 12 \n y{} 1\n#  just a comment\n");
    Sample x = e.samples("x").get(0);
    assertThat(x.labels()).containsExactly(Map.entry("a", "1"), Map.entry("b", "2"));
    assertThat(x.value()).isEqualTo(7.0);
    assertThat(x.timestampMillis()).isEqualTo(OptionalLong.of(12));
    assertThat(e.samples("y").get(0).labels()).isEmpty();
  }

  @Test
  void helpTextIsUnescapedAndMayBeEmpty() throws Exception {
    Exposition e = PrometheusTextParser.parse("# HELP a line one\\nback\\\\slash \"quoted\"\na 1\n# HELP b\nb 2\n");
    assertThat(e.family("a").orElseThrow().help()).contains("line one\nback\\slash \"quoted\"");
    assertThat(e.family("b").orElseThrow().help()).contains("");
  }

  @Test
  void anEmptyTextHasNoFamiliesAndMetadataWithoutSamplesIsAFamily() throws Exception {
    assertThat(PrometheusTextParser.parse("").families()).isEmpty();
    Exposition e = PrometheusTextParser.parse("# TYPE lonely gauge\n");
    assertThat(e.family("lonely").orElseThrow().samples()).isEmpty();
  }

  @Test
  void pythonClientOutputWithColonsTotalAndCreatedParses() throws Exception {
    String text =
        """
        # HELP vllm:num_requests_running Number of requests in model execution batches.
        # TYPE vllm:num_requests_running gauge
        vllm:num_requests_running{engine="0",model_name="m"} 3.0
        # HELP vllm:generation_tokens_total Number of generation tokens processed.
        # TYPE vllm:generation_tokens_total counter
        vllm:generation_tokens_total{engine="0",model_name="m"} 1234.0
        # HELP vllm:generation_tokens_created Number of generation tokens processed.
        # TYPE vllm:generation_tokens_created gauge
        vllm:generation_tokens_created{engine="0",model_name="m"} 1.7e9
        """;
    Exposition e = PrometheusTextParser.parse(text);
    assertThat(e.samples("vllm:generation_tokens_total").get(0).value()).isEqualTo(1234.0);
    assertThat(e.family("vllm:num_requests_running").orElseThrow().type()).isEqualTo(MetricType.GAUGE);
  }

  @Test
  void histogramsAndSummariesWithLabelsCheckEachSeriesApart() throws Exception {
    String text =
        """
        # TYPE d histogram
        d_bucket{m="a",le="1"} 1
        d_bucket{m="a",le="+Inf"} 2
        d_sum{m="a"} 3
        d_count{m="a"} 2
        d_bucket{m="b",le="0.5"} 0
        d_bucket{m="b",le="+Inf"} 5
        d_count{m="b"} 5
        """;
    Exposition e = PrometheusTextParser.parse(text);
    assertThat(e.samples("d_bucket")).hasSize(4);
  }

  static List<Arguments> malformed() {
    return List.of(
        Arguments.of("a 1\nb 2", 2, "does not end with a line feed"),
        Arguments.of("a 1\r\n", 1, "carriage return"),
        Arguments.of("a-b 1\n", 1, "invalid character '-' in metric name a"),
        Arguments.of("9a 1\n", 1, "expected a metric name"),
        Arguments.of("a\n", 1, "sample a has no value"),
        Arguments.of("ok 1\na{x=\"1\"}\n", 2, "sample a has no value"),
        Arguments.of("a one\n", 1, "value 'one' of a is not a number"),
        Arguments.of("a 0x1p3\n", 1, "is not a number"),
        Arguments.of("a 1 1.5\n", 1, "timestamp '1.5' of a is not an integer"),
        Arguments.of("a 1 99999999999999999999\n", 1, "does not fit 64 bits"),
        Arguments.of("a 1 2 3\n", 1, "unexpected text after the timestamp"),
        Arguments.of("a{x=\"1\" 1\n", 1, "expected ',' or '}' after the value of label x"),
        Arguments.of("a{x=\"1\",\n", 1, "not closed"),
        Arguments.of("a{x=\"1} 1\n", 1, "has no closing quote"),
        Arguments.of("a{x=\"\\t\"} 1\n", 1, "invalid escape '\\t'"),
        Arguments.of("a{x=\"1\",x=\"2\"} 1\n", 1, "label x appears twice"),
        Arguments.of("a{x=1} 1\n", 1, "expected a quoted value for label x"),
        Arguments.of("a{1x=\"1\"} 1\n", 1, "expected a label name"),
        Arguments.of("a{x} 1\n", 1, "expected '=' after label name x"),
        Arguments.of("# TYPE a gauge\n# TYPE a gauge\n", 2, "second TYPE line for a"),
        Arguments.of("# HELP a x\n# HELP a y\n", 2, "second HELP line for a"),
        Arguments.of("a 1\n# TYPE a gauge\n", 2, "TYPE line for a after its samples"),
        Arguments.of("# TYPE a meter\n", 1, "unknown type 'meter'"),
        Arguments.of("# TYPE a\n", 1, "names no type"),
        Arguments.of("# TYPE a gauge extra\n", 1, "unexpected text after the type"),
        Arguments.of("# HELP\n", 1, "expected a metric name after # HELP"),
        Arguments.of("# HELP a bad \\t escape\n", 1, "invalid escape '\\t' in HELP text"),
        Arguments.of("a 1\nb 1\na{x=\"1\"} 2\n", 3, "the lines of metric a must form one group; it began on line 1"),
        Arguments.of("a{x=\"1\"} 1\na{x=\"1\"} 2\n", 2, "duplicate sample a"),
        Arguments.of("# TYPE h histogram\nh 1\n", 2, "sample h does not fit histogram h"),
        Arguments.of("# TYPE h histogram\nh_bucket 1\n", 2, "has no le label"),
        Arguments.of("# TYPE h histogram\nh_bucket{le=\"big\"} 1\n", 2, "le=\"big\" of h_bucket is not a number"),
        Arguments.of("# TYPE h histogram\nh_bucket{le=\"2\"} 1\nh_bucket{le=\"1\"} 1\n", 3, "increasing order"),
        Arguments.of("# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_count 1\n", 2, "has no le=\"+Inf\" bucket"),
        Arguments.of("# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_count 3\n", 3, "h_count (3.0) differs from its le=\"+Inf\" bucket (2.0)"),
        Arguments.of("# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_sum{le=\"1\"} 3\n", 3, "h_sum must not carry an le label"),
        Arguments.of("# TYPE h histogram\nh_sum 3\nh_count 1\n", 2, "histogram h has no buckets"),
        Arguments.of("# TYPE s summary\ns 1\n", 2, "has no quantile label"),
        Arguments.of("# TYPE s summary\ns{quantile=\"0.9\"} 1\ns{quantile=\"0.5\"} 1\n", 3, "increasing order"),
        Arguments.of("# TYPE s summary\ns_count{quantile=\"0.9\"} 1\n", 2, "must not carry a quantile label"));
  }

  @ParameterizedTest(name = "[{index}] line {1}: {2}")
  @MethodSource("malformed")
  void malformedTextIsRejectedNamingTheLineAndTheProblem(String text, int line, String problem) {
    assertThatThrownBy(() -> PrometheusTextParser.parse(text))
        .isInstanceOfSatisfying(PrometheusTextException.class, e -> assertThat(e.lineNumber()).isEqualTo(line))
        .hasMessageStartingWith("line " + line + ": ")
        .hasMessageContaining(problem);
  }

  @Test
  void theMessageQuotesTheStartOfALongLine() {
    String longLine = "a{x=\"" + "v".repeat(500) + "\"} nope\n";
    assertThatThrownBy(() -> PrometheusTextParser.parse(longLine))
        .hasMessageContaining("'a{x=\"vvv")
        .hasMessageContaining("…'")
        .satisfies(e -> assertThat(e.getMessage().length()).isLessThan(300));
  }
}
