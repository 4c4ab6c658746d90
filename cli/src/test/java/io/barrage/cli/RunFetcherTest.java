package io.barrage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunFetcherTest {
  final Path root = Path.of("/tmp/fetch-root");

  @Test
  void namesFromTheServerStayInsideTheDirectory() {
    assertThat(RunFetcher.inside(root, "summary.json")).isEqualTo(root.resolve("summary.json"));
    assertThat(RunFetcher.inside(root, "histograms/a_ttft.hlog")).isEqualTo(root.resolve("histograms/a_ttft.hlog"));
    for (String bad : List.of("", "..", "../x", "a/../../x", "/etc/passwd", "a//b", "./a", "a/.", "a\\..\\b", "histograms/", "a\0b")) {
      assertThat(RunFetcher.inside(root, bad)).as(bad).isNull();
    }
  }
}
