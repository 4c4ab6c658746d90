package io.barrage.cli;

import io.barrage.protocol.plan.CellPlanner;
import io.barrage.protocol.scenario.InvalidScenarioException;
import io.barrage.protocol.scenario.Scenario;
import io.barrage.protocol.scenario.ScenarioLoader;
import io.barrage.protocol.scenario.ScenarioProblem;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code barrage validate SCENARIO.yaml}: reads a scenario and reports every problem at once, each
 * with its YAML path; exit 2 when there is any. A valid scenario prints what it would run.
 */
@Command(name = "validate", mixinStandardHelpOptions = true,
    description = "Check a scenario file: every problem at once, with its YAML path; exit 2 if invalid.")
public final class ValidateCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "SCENARIO.yaml", description = "the scenario file")
  Path scenario;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    Scenario s;
    try {
      s = ScenarioLoader.load(scenario);
    } catch (InvalidScenarioException e) {
      StringBuilder sb = new StringBuilder();
      sb.append(scenario).append(": ").append(e.problems().size()).append(" problem(s)\n");
      for (ScenarioProblem p : e.problems()) sb.append("  ").append(p.path()).append(": ").append(p.message()).append('\n');
      throw new ExitException(ExitCodes.BAD_INPUT, sb.toString().stripTrailing());
    }
    var load = s.workload().load();
    String cells = load.search() != null ? "a capacity search, up to " + load.search().probesOrDefault() + " probe cell(s) per target and output length"
        : load.sweep() != null ? "a sweep, " + (2 + load.sweep().pointsOrDefault()) + " cell(s) per target and output length"
        : CellPlanner.plan(s).size() + " cell(s)";
    spec.commandLine().getOut().printf("%s: valid scenario '%s': %d target(s), %s%n",
        scenario, s.name(), s.targets().size(), cells);
    for (String w : tlsWarnings(s)) spec.commandLine().getOut().println("  " + w);
    return ExitCodes.OK;
  }

  /** One line per target whose certificate checks are off (validate and run print them). */
  static java.util.List<String> tlsWarnings(Scenario s) {
    java.util.List<String> out = new java.util.ArrayList<>();
    for (int i = 0; i < s.targets().size(); i++) {
      var t = s.targets().get(i);
      if (t.tls() != null && t.tls().skipVerify()) {
        out.add("WARNING targets[" + i + "].tls.insecureSkipVerify: the certificate of '" + t.name() + "' is not checked "
            + "(encrypted, but the server is not authenticated); for self-signed test servers only");
      }
    }
    return out;
  }
}
