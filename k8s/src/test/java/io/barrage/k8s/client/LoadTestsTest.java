package io.barrage.k8s.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.barrage.k8s.model.LoadTest;
import io.barrage.k8s.model.LoadTestStatus;
import io.kubernetes.client.openapi.ApiException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link LoadTests} (client-java's informer and the status patch) against the mock API server's watch. */
class LoadTestsTest {

  static final String NS = "load";

  MockApi api;
  LoadTests loadTests;
  final List<String> seen = new CopyOnWriteArrayList<>();
  final List<LoadTest> upserts = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    api = new MockApi().serveLoadTests();
    loadTests = new LoadTests(api.apiClient(), NS);
  }

  @AfterEach
  void stop() {
    loadTests.close();
    api.close();
  }

  static String loadTest(String name, String scenario) {
    return """
        apiVersion: barrage.io/v1alpha1
        kind: LoadTest
        metadata: {name: %s}
        spec:
          workers: 2
          scenario: %s
        """.formatted(name, scenario);
  }

  void listen() {
    loadTests.start(new LoadTests.Listener() {
      @Override
      public void upsert(LoadTest lt) {
        upserts.add(lt);
        seen.add("upsert " + lt.name() + (lt.phase() == null ? "" : " " + lt.phase()));
      }

      @Override
      public void deleted(LoadTest lt) {
        seen.add("deleted " + lt.name());
      }
    });
  }

  @Test
  void existingAndNewLoadTestsReachTheListenerWithTheirSpec() {
    api.createLoadTest(NS, loadTest("before", "{name: a, targets: [{name: t, api: tgi, url: 'http://127.0.0.1:1'}]}"));
    api.createLoadTest("elsewhere", loadTest("other-namespace", "{name: x}"));
    listen();
    await("the LoadTest that was there before").atMost(Duration.ofSeconds(30)).until(() -> seen.contains("upsert before"));
    api.createLoadTest(NS, loadTest("after", "{name: b}"));
    await("the LoadTest created while watching").atMost(Duration.ofSeconds(30)).until(() -> seen.contains("upsert after"));

    LoadTest before = upserts.stream().filter(l -> l.name().equals("before")).findFirst().orElseThrow();
    assertThat(before.workers()).isEqualTo(2);
    assertThat(before.uid()).isNotBlank();
    assertThat(before.generation()).isEqualTo(1);
    assertThat(before.scenarioJson()).isEqualTo("{\"name\":\"a\",\"targets\":[{\"name\":\"t\",\"api\":\"tgi\",\"url\":\"http://127.0.0.1:1\"}]}");
    assertThat(seen).noneMatch(s -> s.contains("other-namespace"));
  }

  @Test
  void aStatusWriteLandsInTheStatusAndIsSeenByTheWatch() throws Exception {
    api.createLoadTest(NS, loadTest("lt", "{name: a}"));
    listen();
    await("the LoadTest").atMost(Duration.ofSeconds(30)).until(() -> seen.contains("upsert lt"));

    loadTests.writeStatus("lt", LoadTestStatus.pending(1, "queued"));
    loadTests.writeStatus("lt", new LoadTestStatus(LoadTestStatus.Phase.Running, "r1", 1, 2, 8, "t/m128/c5", null, null, null, "running",
        "/data/results/r1", Instant.parse("2026-12-03T10:00:00Z"), null));

    await("the Running status seen by the watch").atMost(Duration.ofSeconds(30)).until(() -> seen.contains("upsert lt Running"));
    assertThat(api.loadTestStatus(NS, "lt", "progress")).isEqualTo("2/8");
    assertThat(api.loadTestStatus(NS, "lt", "currentCell")).isEqualTo("t/m128/c5");
    assertThat(api.loadTestStatus(NS, "lt", "runId")).isEqualTo("r1");
    assertThat(api.loadTestStatus(NS, "lt", "message")).isEqualTo("running");
    assertThat(((Map<?, ?>) api.loadTest(NS, "lt").getAdditionalProperties().get("spec")).get("scenario")).isEqualTo(Map.of("name", "a"));
    LoadTest last = upserts.get(upserts.size() - 1);
    assertThat(last.runId()).isEqualTo("r1");
  }

  @Test
  void aDeletionReachesTheListenerAndAStatusWriteToItIsNotFound() {
    api.createLoadTest(NS, loadTest("lt", "{name: a}"));
    listen();
    await("the LoadTest").atMost(Duration.ofSeconds(30)).until(() -> seen.contains("upsert lt"));
    api.deleteLoadTest(NS, "lt");
    await("the deletion").atMost(Duration.ofSeconds(30)).until(() -> seen.contains("deleted lt"));
    assertThatThrownBy(() -> loadTests.writeStatus("lt", LoadTestStatus.pending(1, "queued")))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(404));
  }
}
