package io.barrage.protocol.scenario;

import java.util.List;
import java.util.stream.Collectors;

/** Every problem of a scenario at once. Maps to exit code 2 / HTTP 400. */
public final class InvalidScenarioException extends Exception {
  private final List<ScenarioProblem> problems;

  public InvalidScenarioException(List<ScenarioProblem> problems) {
    super(
        problems.size()
            + " problem(s) in scenario:\n"
            + problems.stream().map(p -> "  - " + p).collect(Collectors.joining("\n")));
    this.problems = List.copyOf(problems);
  }

  public List<ScenarioProblem> problems() {
    return problems;
  }
}
