package io.barrage.protocol.scenario;

/** One thing wrong with a scenario, located by its YAML path (e.g. {@code targets[1].url}). */
public record ScenarioProblem(String path, String message) {
  @Override
  public String toString() {
    return path + ": " + message;
  }
}
