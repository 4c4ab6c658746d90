package io.barrage.protocol.scenario;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The scenario most tests need, written once: one {@code tgi-stream} target, a short prompt, one
 * token count, one load level, a short step. A test changes only the part its rule is about
 * ({@code .load("{concurrency: [2, 4]}")}, {@code .step("{duration: 5s}")}) and the YAML it reads
 * stays visible through {@link #yaml()}. Shared with the other modules' tests as protocol's test-jar.
 *
 * <p>Values are YAML fragments in flow style, as they would appear in a scenario file. Tests of
 * malformed scenarios keep their own literal YAML: there the text is the subject.
 */
public final class TestScenario {

  /** The discard port on loopback: nothing listens, so a run against it fails fast and harmlessly. */
  public static final String NOWHERE = "http://127.0.0.1:9";

  private final String name;
  private final String target;
  private final Map<String, String> workload;
  private final List<String> topLevel;

  private TestScenario(String name, String target, Map<String, String> workload, List<String> topLevel) {
    this.name = name;
    this.target = target;
    this.workload = workload;
    this.topLevel = topLevel;
  }

  /** Target {@code a} at {@link #NOWHERE}, prompt {@code hello}, 16 tokens, 2 users, 10 requests. */
  public static TestScenario named(String name) {
    Map<String, String> workload = new LinkedHashMap<>();
    workload.put("prompt", "{text: hello}");
    workload.put("maxNewTokens", "[16]");
    workload.put("load", "{concurrency: [2]}");
    workload.put("step", "{requests: 10}");
    return new TestScenario(name, targetLine("a", "tgi-stream", NOWHERE), workload, List.of());
  }

  private static String targetLine(String name, String api, String url) {
    return "{name: " + name + ", api: " + api + ", url: \"" + url + "\"}";
  }

  /** The one target, by name, API and base URL (a simulator's {@code baseUrl()}, usually). */
  public TestScenario target(String targetName, String api, String url) {
    return new TestScenario(name, targetLine(targetName, api, url), workload, topLevel);
  }

  /** A {@code tgi-stream} target. */
  public TestScenario target(String targetName, String url) {
    return target(targetName, "tgi-stream", url);
  }

  /** One {@code workload} entry as a flow-style YAML value, e.g. {@code ("load", "{concurrency: [2, 4]}")}. */
  public TestScenario workload(String key, String value) {
    Map<String, String> w = new LinkedHashMap<>(workload);
    w.put(key, value);
    return new TestScenario(name, target, w, topLevel);
  }

  public TestScenario prompt(String value) { return workload("prompt", value); }

  public TestScenario maxNewTokens(String value) { return workload("maxNewTokens", value); }

  public TestScenario load(String value) { return workload("load", value); }

  public TestScenario step(String value) { return workload("step", value); }

  public TestScenario timeouts(String value) { return workload("timeouts", value); }

  /** A top-level line after the workload, e.g. {@code onWorkerLoss: continue}. */
  public TestScenario with(String line) {
    List<String> lines = new ArrayList<>(topLevel);
    lines.add(line);
    return new TestScenario(name, target, workload, List.copyOf(lines));
  }

  public String yaml() {
    StringBuilder y = new StringBuilder("name: " + name + "\ntargets:\n  - " + target + "\nworkload:\n");
    workload.forEach((key, value) -> y.append("  ").append(key).append(": ").append(value).append('\n'));
    topLevel.forEach(line -> y.append(line).append('\n'));
    return y.toString();
  }

  /** The parsed scenario; a fixture that does not parse is a broken test, hence unchecked. */
  public Scenario parse() {
    try {
      return ScenarioLoader.parse(yaml(), null);
    } catch (InvalidScenarioException e) {
      throw new IllegalStateException("the test scenario does not parse:\n" + yaml(), e);
    }
  }

  /** Writes the YAML to {@code file} and returns it, for commands that read a scenario file. */
  public Path writeTo(Path file) {
    try {
      return Files.writeString(file, yaml());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String toString() {
    return yaml();
  }
}
