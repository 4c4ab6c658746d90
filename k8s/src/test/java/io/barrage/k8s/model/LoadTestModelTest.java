package io.barrage.k8s.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A LoadTest read from the API server's JSON, and the status patch written back. */
class LoadTestModelTest {

  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aLoadTestIsReadWithItsScenarioAsJsonTextAndWhatAnEarlierCoordinatorWrote() {
    LoadTest lt = LoadTest.fromJson("""
        {"apiVersion":"barrage.io/v1alpha1","kind":"LoadTest",
         "metadata":{"name":"cmp","uid":"u-1","generation":3,"managedFields":[{"manager":"kubectl"}]},
         "spec":{"workers":4,"scenario":{"name":"cmp","targets":[{"name":"a","url":"http://a:8080"}]}},
         "status":{"phase":"Running","runId":"r9","somethingNewer":true}}
        """);
    assertThat(lt.name()).isEqualTo("cmp");
    assertThat(lt.uid()).isEqualTo("u-1");
    assertThat(lt.generation()).isEqualTo(3);
    assertThat(lt.workers()).isEqualTo(4);
    assertThat(lt.scenarioJson()).isEqualTo("{\"name\":\"cmp\",\"targets\":[{\"name\":\"a\",\"url\":\"http://a:8080\"}]}");
    assertThat(lt.phase()).isEqualTo(LoadTestStatus.Phase.Running);
    assertThat(lt.runId()).isEqualTo("r9");
    assertThat(lt.toString()).doesNotContain("http://a:8080");
  }

  @Test
  void missingPartsAreNullNotDefaultsThatWouldRun() {
    LoadTest lt = LoadTest.fromJson("{\"metadata\":{\"name\":\"x\",\"uid\":\"u\"},\"spec\":{\"workers\":\"four\"},\"status\":{\"phase\":\"Weird\"}}");
    assertThat(lt.scenarioJson()).isNull();
    assertThat(lt.workers()).isNull();
    assertThat(lt.phase()).isNull();
    assertThat(lt.runId()).isNull();
    assertThatThrownBy(() -> LoadTest.fromJson("{not json")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a LoadTest");
  }

  @Test
  void theStatusPatchReplacesTheWholeStatusAndLeavesOutWhatIsUnknown() throws Exception {
    JsonNode ops = JSON.readTree(Patches.loadTestStatus(LoadTestStatus.pending(2, "queued: 1 LoadTest(s) ahead")));
    assertThat(ops).hasSize(1);
    assertThat(ops.get(0).get("op").asText()).isEqualTo("add");
    assertThat(ops.get(0).get("path").asText()).isEqualTo("/status");
    assertThat(JSON.writeValueAsString(ops.get(0).get("value")))
        .isEqualTo("{\"phase\":\"Pending\",\"observedGeneration\":2,\"message\":\"queued: 1 LoadTest(s) ahead\"}");
  }

  @Test
  void progressIsCellsDoneOverPlannedOnceTheRunKnowsThem() {
    Instant t = Instant.parse("2026-12-03T10:00:00Z");
    LoadTestStatus s = new LoadTestStatus(LoadTestStatus.Phase.Succeeded, "r1", 1, 8, 8, null, "completed", "tgi is faster",
        List.of(), "run completed", "/data/results/r1", t, t.plusSeconds(60));
    assertThat(s.progress()).isEqualTo("8/8");
    JsonNode j = s.toJson();
    assertThat(j.get("progress").asText()).isEqualTo("8/8");
    assertThat(j.get("completionTime").asText()).isEqualTo("2026-12-03T10:01:00Z");
    assertThat(j.has("gateFailures")).as("no failed gate, no list").isFalse();
    assertThat(LoadTestStatus.pending(1, "x").progress()).isEmpty();
    assertThat(LoadTestStatus.Phase.Invalid.terminal()).isTrue();
    assertThat(LoadTestStatus.Phase.Pending.terminal()).isFalse();
  }
}
