package io.barrage.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrage.common.prometheus.Exposition;
import io.barrage.common.prometheus.MetricType;
import io.barrage.common.prometheus.PrometheusTextParser;
import io.barrage.common.prometheus.Sample;
import io.barrage.simulator.telemetry.PowerModel;
import io.barrage.simulator.telemetry.StackMetrics;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The simulator's /metrics in each stack's names, and its DCGM endpoint, checked with a strict parser. */
class StackTelemetryTest {
  private static final int REQUESTS = 5;
  private static final int TOKENS = 7;

  private static SimulatorServer start(String profile, StackMetrics names) {
    return SimulatorServer.start(SimulatorConfig.loopback(profile).withMetricsNames(names));
  }

  private static void generate(SimulatorServer sim) {
    for (int i = 0; i < REQUESTS; i++) {
      HttpResponse<String> r = Http.post(sim.baseUrl() + "/generate",
          "{\"inputs\":\"Hello there\",\"parameters\":{\"max_new_tokens\":" + TOKENS + "}}");
      assertThat(r.statusCode()).isEqualTo(200);
    }
  }

  private static Exposition scrape(SimulatorServer sim, String path) throws Exception {
    HttpResponse<String> r = Http.get(sim.baseUrl() + path);
    assertThat(r.statusCode()).as(path).isEqualTo(200);
    return PrometheusTextParser.parse(r.body());
  }

  private static double value(Exposition e, String sample) {
    List<Sample> s = e.samples(sample);
    assertThat(s).as(sample).hasSize(1);
    return s.get(0).value();
  }

  @Test
  void tgiNamesCountEveryGeneratedTokenAndEachRequestsPhases() throws Exception {
    try (SimulatorServer sim = start(Profiles.TGI_FAST, null)) {
      generate(sim);
      Exposition e = scrape(sim, "/metrics");
      assertThat(value(e, "tgi_request_generated_tokens_sum")).isEqualTo(REQUESTS * TOKENS);
      assertThat(value(e, "tgi_request_generated_tokens_count")).isEqualTo(REQUESTS);
      assertThat(value(e, "tgi_request_inference_duration_count")).isEqualTo(REQUESTS);
      assertThat(e.family("tgi_batch_forward_duration").orElseThrow().type()).isEqualTo(MetricType.HISTOGRAM);
      assertThat(value(e, "tgi_batch_current_size")).isZero();
      assertThat(value(e, "tgi_queue_size")).isZero();
    }
  }

  @Test
  void vllmNamesCountEveryGeneratedTokenAndEachRequestsPhases() throws Exception {
    try (SimulatorServer sim = start(Profiles.TGI_FAST, StackMetrics.VLLM)) {
      generate(sim);
      Exposition e = scrape(sim, "/metrics");
      assertThat(value(e, "vllm:generation_tokens_total")).isEqualTo(REQUESTS * TOKENS);
      assertThat(value(e, "vllm:num_requests_running")).isZero();
      assertThat(value(e, "vllm:num_requests_waiting")).isZero();
      assertThat(value(e, "vllm:kv_cache_usage_perc")).isZero();
      for (String h : List.of("queue", "inference", "prefill", "decode")) {
        assertThat(value(e, "vllm:request_" + h + "_time_seconds_count")).as(h).isEqualTo(REQUESTS);
      }
      assertThat(value(e, "vllm:request_decode_time_seconds_sum")).isPositive();
      assertThat(e.samples("vllm:num_requests_running").get(0).label("model_name")).isEqualTo(sim.profile().modelId());
      assertThat(e.samples()).noneMatch(s -> s.name().startsWith("tgi_"));
    }
  }

  @Test
  void llamaCppNamesCountTokensDecodeCallsAndBusySlots() throws Exception {
    try (SimulatorServer sim = start(Profiles.TGI_FAST, StackMetrics.LLAMACPP)) {
      generate(sim);
      Exposition e = scrape(sim, "/metrics");
      assertThat(value(e, "llamacpp:tokens_predicted_total")).isEqualTo(REQUESTS * TOKENS);
      double decodes = value(e, "llamacpp:n_decode_total");
      // one request at a time here: every forward carried exactly one slot
      assertThat(decodes).isEqualTo(REQUESTS * TOKENS);
      assertThat(value(e, "llamacpp:n_busy_slots_per_decode")).isEqualTo(1.0);
      assertThat(value(e, "llamacpp:requests_processing")).isZero();
      assertThat(value(e, "llamacpp:requests_deferred")).isZero();
    }
  }

  @Test
  void aFastapiProfileHasNoMetricsUnlessNamesAreChosen() throws Exception {
    try (SimulatorServer sim = start(Profiles.FASTAPI_FAST, null)) {
      assertThat(Http.get(sim.baseUrl() + "/metrics").statusCode()).isEqualTo(404);
    }
    try (SimulatorServer sim = start(Profiles.FASTAPI_FAST, StackMetrics.VLLM)) {
      generate(sim);
      assertThat(value(scrape(sim, "/metrics"), "vllm:generation_tokens_total")).isEqualTo(REQUESTS * TOKENS);
    }
  }

  @Test
  void dcgmEndpointModelsPowerBetweenIdleAndMaxAndAnEnergyCounterThatGrows() throws Exception {
    try (SimulatorServer sim = start(Profiles.TGI_2XA4000, null)) {
      PowerModel gpus = PowerModel.of(sim.profile());
      assertThat(gpus.count()).isEqualTo(2);
      Exposition before = scrape(sim, "/dcgm/metrics");
      HttpResponse<String> r = Http.post(sim.baseUrl() + "/generate", "{\"inputs\":\"Hello\",\"parameters\":{\"max_new_tokens\":3}}");
      assertThat(r.statusCode()).isEqualTo(200);
      Exposition after = scrape(sim, "/dcgm/metrics");
      assertThat(after.samples("DCGM_FI_DEV_POWER_USAGE")).hasSize(2).allSatisfy(s -> {
        assertThat(s.value()).isBetween(gpus.idleWatts(), gpus.maxWatts());
        assertThat(s.label("modelName")).isEqualTo("NVIDIA RTX A4000");
      });
      assertThat(after.samples("DCGM_FI_DEV_GPU_UTIL")).allSatisfy(s -> assertThat(s.value()).isBetween(0.0, 100.0));
      double e0 = before.samples("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION").get(0).value();
      double e1 = after.samples("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION").get(0).value();
      // the request took three decode steps of at least 34 ms: at least idle power over that time, in mJ
      assertThat(e1 - e0).isGreaterThan(gpus.idleWatts() * 3 * 0.034 * 1000);
      assertThat(after.family("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION").orElseThrow().type()).isEqualTo(MetricType.COUNTER);
      assertThat(after.samples("DCGM_FI_DEV_FB_USED")).allSatisfy(s -> assertThat(s.value()).isBetween(0.55 * gpus.memoryMiB() - 1, 0.95 * gpus.memoryMiB() + 1));
    }
  }

  @Test
  void dcgmPodsLabelEachGpuWithThePodHoldingItAsTheKubernetesMappingDoes() throws Exception {
    try (SimulatorServer sim = SimulatorServer.start(SimulatorConfig.loopback(Profiles.TGI_2XA4000).withDcgmPods(List.of("llm/tgi-0")))) {
      Exposition page = scrape(sim, "/dcgm/metrics");
      for (String family : List.of("DCGM_FI_DEV_POWER_USAGE", "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", "DCGM_FI_DEV_GPU_UTIL")) {
        List<Sample> s = page.samples(family);
        assertThat(s).hasSize(2);
        assertThat(s.get(0).label("pod")).as(family).isEqualTo("tgi-0");
        assertThat(s.get(0).label("namespace")).isEqualTo("llm");
        assertThat(s.get(0).label("container")).isNotEmpty();
        assertThat(s.get(1).label("pod")).as("GPU 1 is held by no pod").isNull();
      }
    }
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> SimulatorConfig.loopback(Profiles.TGI_2XA4000).withDcgmPods(List.of("tgi-0")))
        .hasMessageContaining("namespace/name");
  }
}
