package io.barrage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.barrage.common.prometheus.Exposition;
import io.barrage.common.prometheus.PrometheusTextParser;
import io.barrage.common.prometheus.Sample;
import io.barrage.coordinator.report.model.ServerSummary;
import io.barrage.coordinator.telemetry.RunTelemetry;
import io.barrage.coordinator.telemetry.ServerSummaries;
import io.barrage.k8s.client.DcgmDiscovery;
import io.barrage.k8s.client.MockApi;
import io.barrage.k8s.model.KubernetesSettings;
import io.barrage.protocol.results.ServerTelemetry;
import io.barrage.protocol.scenario.ApiKind;
import io.barrage.protocol.scenario.MetricsSpec;
import io.barrage.protocol.scenario.Scenario;
import io.barrage.protocol.scenario.Target;
import io.barrage.simulator.Profiles;
import io.barrage.simulator.SimulatorConfig;
import io.barrage.simulator.SimulatorServer;
import io.barrage.simulator.telemetry.PowerModel;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A TGI Service whose two replicas run on two GPU nodes, in fabric8's mock API server (CRUD mode),
 * with a DCGM exporter pod on each node; two simulators stand in for the exporters, one on
 * 127.0.0.1 and one on ::1 at the same port (discovery scrapes every exporter at one port). Each
 * labels its GPUs with the pods holding them: node A's second GPU belongs to another namespace's
 * pod, so only GPU 0 there serves the target. Discovery finds both exporters; the coordinator's
 * scraper combines them per round: the cell's energy is the sum of the two exporters' energy counters
 * over the cell (checked against the counters read directly just before and after it, within the
 * scrape's resolution), its power the sum of the two GPUs'. Then node B's exporter goes away: the next
 * cell names it missing, says its GPU figures are partial, and keeps node A's.
 */
class DcgmNodesIT {
  private static final String NS = "llm";
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void theGpuFiguresOfATargetOnTwoNodesAreTheSumOfBothExportersAndAMissingOneIsNamed() throws Exception {
    PowerModel a4000 = PowerModel.of(Profiles.get(Profiles.TGI_2XA4000));
    PowerModel a100 = PowerModel.of(Profiles.get(Profiles.FASTAPI_A100));
    try (MockApi api = new MockApi();
        SimulatorServer nodeA = SimulatorServer.start(SimulatorConfig.loopback(Profiles.get(Profiles.TGI_2XA4000).withTimeScale(10))
            .withDcgmPods(List.of(NS + "/tgi-0", "research/train-7")))) {
      SimulatorServer nodeB = SimulatorServer.start(new SimulatorConfig("::1", nodeA.port(), Profiles.get(Profiles.FASTAPI_A100), null, 1)
          .withDcgmPods(List.of(NS + "/tgi-1")));
      try {
        api.seed.services().inNamespace(NS).resource(new ServiceBuilder().withNewMetadata().withName("tgi").withNamespace(NS).endMetadata()
            .withNewSpec().withSelector(Map.of("app", "tgi")).addNewPort().withPort(8080).endPort().endSpec().build()).create();
        pod(api, NS, "tgi-0", Map.of("app", "tgi"), "gpu-a", "10.1.0.5");
        pod(api, NS, "tgi-1", Map.of("app", "tgi"), "gpu-b", "10.1.1.5");
        pod(api, "gpu-operator", "dcgm-exporter-a", Map.of("app.kubernetes.io/name", "dcgm-exporter"), "gpu-a", "127.0.0.1");
        pod(api, "gpu-operator", "dcgm-exporter-b", Map.of("app.kubernetes.io/name", "dcgm-exporter"), "gpu-b", "::1");

        Target written = new Target("tgi", ApiKind.TGI_STREAM, "http://tgi.llm:8080", "m", null, null, null, null, null, null,
            new MetricsSpec(null, nodeA.baseUrl() + "/metrics", Duration.ofMillis(200), null), null);
        Scenario scenario = new DcgmDiscovery(api.apiClient(), "load",
            new KubernetesSettings.Dcgm(true, null, null, nodeA.port(), "/dcgm/metrics"))
            .enrich(new Scenario("nodes", List.of(written), null, null, null, null, null, null, null));
        String urlA = "http://127.0.0.1:" + nodeA.port() + "/dcgm/metrics", urlB = "http://[::1]:" + nodeA.port() + "/dcgm/metrics";
        assertThat(scenario.targets().get(0).metrics().dcgmExporters()).containsExactly(
            new MetricsSpec.DcgmExporter(urlA, "gpu-a", List.of("llm/tgi-0")),
            new MetricsSpec.DcgmExporter(urlB, "gpu-b", List.of("llm/tgi-1")));

        try (RunTelemetry telemetry = RunTelemetry.start(scenario)) {
          // cell 1: both exporters up, a few requests keep node A's GPUs busy part of the time
          double beforeA = energyJoules(urlA, "tgi-0"), beforeB = energyJoules(urlB, "tgi-1");
          long t0 = System.currentTimeMillis();
          telemetry.cellStarted("c1", "tgi");
          for (int i = 0; i < 4; i++) generate(nodeA);
          await("eight rounds of scrapes").atMost(Duration.ofSeconds(15)).until(() -> dcgmSamples(telemetry.forCell("c1")) >= 8);
          telemetry.cellEnded("c1");
          telemetry.drained().get();
          double aloneA = energyJoules(urlA, "tgi-0") - beforeA, aloneB = energyJoules(urlB, "tgi-1") - beforeB;
          long t1 = System.currentTimeMillis();

          ServerSummary one = ServerSummaries.of(telemetry.forCell("c1"), 64, null, 0, null);
          assertThat(one.gpus()).isEqualTo(new ServerSummary.Gpus(2, 2, false, List.of()));
          assertThat(one.endpoints()).filteredOn(e -> e.kind().equals("dcgm")).extracting(ServerSummary.Endpoint::node,
              ServerSummary.Endpoint::url, ServerSummary.Endpoint::gpus, ServerSummary.Endpoint::gpuSelection).containsExactly(
              org.assertj.core.groups.Tuple.tuple("gpu-a", urlA, 1, "pod-labels"), org.assertj.core.groups.Tuple.tuple("gpu-b", urlB, 1, "pod-labels"));
          ServerSummary.Energy e = one.energy();
          assertThat(e.source()).isEqualTo("energy-counter");
          // the counters read directly bracket the cell's: the difference is what the GPUs drew between
          // the direct reads and the cell's first and last scrapes, at most node A's GPU's maximum power
          // and node B's idle one (B served nothing), plus 0.1 s of slack: a sample's time is when its
          // round of scrapes ended, a little after the exporters read their counters
          double gap = (t1 - t0) / 1000.0 - e.seconds() + 0.1;
          System.out.printf("cell 1: %.3f J over %.3f s; the counters read directly around it: node A %.3f J + node B %.3f J over %.3f s; "
              + "mean %.2f W, max %.2f W%n", e.joules(), e.seconds(), aloneA, aloneB, (t1 - t0) / 1000.0, e.meanPowerWatts(), e.maxPowerWatts());
          assertThat(e.joules()).isLessThanOrEqualTo(aloneA + aloneB + 0.002)
              .isGreaterThanOrEqualTo(aloneA + aloneB - (a4000.maxWatts() + a100.idleWatts()) * gap - 0.002)
              .as("more than either exporter alone").isGreaterThan(Math.max(aloneA, aloneB));
          // at least both GPUs idle the whole cell, at most both flat out: one GPU of each node, not node A's other one
          assertThat(e.joules()).isBetween((a4000.idleWatts() + a100.idleWatts()) * (e.seconds() - 0.1),
              (a4000.maxWatts() + a100.idleWatts()) * (e.seconds() + 0.1));
          ServerSummary.Series power = one.series().get("gpuPowerWatts");
          assertThat(power.mean()).isBetween(a4000.idleWatts() + a100.idleWatts(), a4000.maxWatts() + a100.idleWatts());
          assertThat(one.series().get("gpuMemoryUsedMiB").mean()).isGreaterThan(0.55 * (a4000.memoryMiB() + a100.memoryMiB()) - 1)
              .isLessThan(0.95 * (a4000.memoryMiB() + a100.memoryMiB()) + 1);

          // cell 2: node B's exporter is gone; node A's figures stay, B is named, the figures say partial
          nodeB.close();
          telemetry.cellStarted("c2", "tgi");
          await("three rounds of scrapes").atMost(Duration.ofSeconds(15)).until(() -> dcgmSamples(telemetry.forCell("c2")) >= 3);
          telemetry.cellEnded("c2");
          telemetry.drained().get();
          ServerSummary two = ServerSummaries.of(telemetry.forCell("c2"), 0, null, 0, null);
          assertThat(two.gpus()).isEqualTo(new ServerSummary.Gpus(2, 1, true, List.of("gpu-b")));
          ServerSummary.Endpoint b = two.endpoints().stream().filter(x -> "gpu-b".equals(x.node())).findFirst().orElseThrow();
          assertThat(b.samples()).isZero();
          assertThat(b.missing()).isGreaterThanOrEqualTo(3);
          assertThat(b.errors()).isNotEmpty().allSatisfy(x -> assertThat(x).startsWith("connect"));
          // node A idle now: its one GPU's idle power, exactly, and its energy at that power
          assertThat(two.series().get("gpuPowerWatts").max()).isEqualTo(a4000.idleWatts());
          assertThat(two.energy().joules()).isCloseTo(a4000.idleWatts() * two.energy().seconds(), org.assertj.core.data.Offset.offset(a4000.idleWatts() * 0.2));
        }
      } finally {
        nodeB.close();
      }
    }
  }

  private static void pod(MockApi api, String ns, String name, Map<String, String> labels, String node, String ip) {
    api.seed.pods().inNamespace(ns).resource(new PodBuilder()
        .withNewMetadata().withName(name).withNamespace(ns).withLabels(labels).endMetadata()
        .withNewSpec().withNodeName(node).addNewContainer().withName("c").withImage("x").endContainer().endSpec()
        .withNewStatus().withPhase("Running").withPodIP(ip).endStatus()
        .build()).create();
  }

  private static void generate(SimulatorServer sim) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/generate")).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"inputs\":\"Hello there\",\"parameters\":{\"max_new_tokens\":16}}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
  }

  /** The energy counter (J) of the GPU that {@code pod} holds, read from the exporter directly. */
  private static double energyJoules(String url, String pod) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    Exposition page = PrometheusTextParser.parse(r.body());
    for (Sample s : page.samples("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION")) if (pod.equals(s.label("pod"))) return s.value() / 1000.0;
    throw new AssertionError("no GPU of " + pod + " on " + url);
  }

  private static long dcgmSamples(ServerTelemetry t) {
    return t == null ? 0 : t.samples().stream().filter(s -> s.kind().equals("dcgm")).count();
  }
}
