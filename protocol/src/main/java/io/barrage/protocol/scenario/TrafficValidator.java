package io.barrage.protocol.scenario;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The checks of {@code workload.session} and {@code workload.load.trace} (called by {@link
 * ScenarioValidator}): every problem with its YAML path. A trace file is read here with {@link
 * TraceFile}, the reader the workers use, so a bad line is reported before a run starts.
 */
final class TrafficValidator {
  private TrafficValidator() {}

  static void validate(Scenario s, Path baseDir, List<ScenarioProblem> out) {
    Workload w = s.workload();
    if (w == null) return;
    LoadSpec l = w.load();
    if (l != null && l.trace() != null) validateTrace(l, w.step(), baseDir, out);
    if (w.session() != null) validateSession(s, w, out);
    if (w.session() != null && ShareGptFile.isShareGpt(w.prompt())) SessionDatasetCheck.validate(w, baseDir, out);
  }

  private static void validateTrace(LoadSpec l, StepSpec step, Path baseDir, List<ScenarioProblem> out) {
    TraceSpec t = l.trace();
    String p = "workload.load.trace";
    if (l.stages() != null) out.add(new ScenarioProblem("workload.load", "give exactly one of concurrency, rate, stages or trace"));
    if (l.arrivals() != null) out.add(new ScenarioProblem("workload.load.arrivals", "only applies to rate (a trace brings its own arrivals)"));
    if (step != null && step.requestsPerUser() != null) {
      out.add(new ScenarioProblem("workload.step.requestsPerUser", "only applies to concurrency (closed loop); use requests or duration with a trace"));
    }
    List<Double> speedups = t.speedupOrDefault();
    for (int i = 0; i < speedups.size(); i++) {
      Double v = speedups.get(i);
      if (v == null || !(v > 0) || v > 1000) out.add(new ScenarioProblem(p + ".speedup[" + i + "]", "must be > 0 and <= 1000"));
    }
    if (t.file() == null || t.file().isBlank()) {
      out.add(new ScenarioProblem(p + ".file", "required: a trace file (Azure CSV or Mooncake JSONL)"));
      return;
    }
    if (t.formatOrInferred() == null) {
      out.add(new ScenarioProblem(p + ".format", "required when the file name does not end in .csv (azure) or .jsonl (mooncake)"));
      return;
    }
    if (ConfinedFiles.resolve(t.file(), baseDir).isEmpty()) {
      out.add(new ScenarioProblem(p + ".file", ConfinedFiles.refusal("", t.file()).strip()));
      return;
    }
    try {
      TraceFile.load(t, baseDir);
    } catch (IllegalArgumentException e) {
      out.add(new ScenarioProblem(p + ".file", e.getMessage()));
    }
  }

  private static void validateSession(Scenario s, Workload w, List<ScenarioProblem> out) {
    SessionSpec se = w.session();
    String p = "workload.session";
    if (w.load() != null && w.load().concurrency() == null) {
      out.add(new ScenarioProblem(p, "sessions need load.concurrency (each virtual user holds one conversation at a time)"));
    }
    Integer turns = se.turns();
    if (turns == null || turns < 1 || turns > SessionSpec.MAX_TURNS) {
      out.add(new ScenarioProblem(p + ".turns", "required, between 1 and " + SessionSpec.MAX_TURNS));
      turns = null;
    }
    if (se.thinkTime() != null && se.thinkTime().isNegative()) out.add(new ScenarioProblem(p + ".thinkTime", "must be >= 0"));
    if (se.thinkTimeMax() != null && se.thinkTimeMax().compareTo(se.thinkTimeOrZero()) < 0) {
      out.add(new ScenarioProblem(p + ".thinkTimeMax", "must be >= thinkTime"));
    }
    if (se.thinkTimeMax() != null && se.thinkTimeMax().compareTo(Duration.ofHours(1)) > 0
        || se.thinkTime() != null && se.thinkTime().compareTo(Duration.ofHours(1)) > 0) {
      out.add(new ScenarioProblem(p + ".thinkTime", "must be at most 1h"));
    }
    if (se.systemPrompt() != null && se.systemPrompt().isEmpty()) out.add(new ScenarioProblem(p + ".systemPrompt", "must not be empty"));
    if (s.targets() != null) {
      for (int i = 0; i < s.targets().size(); i++) {
        Target t = s.targets().get(i);
        if (t != null && t.api() != null && t.api() != ApiKind.OPENAI_CHAT) {
          out.add(new ScenarioProblem("targets[" + i + "].api", "sessions send a conversation: use openai-chat "
              + "(TGI, vLLM and llama.cpp serve it at /v1/chat/completions)"));
        }
      }
    }
    StepSpec st = w.step();
    // sessions that play a dataset's conversations have varied lengths: any count splits exactly
    if (turns != null && st != null && !ShareGptFile.isShareGpt(w.prompt())) {
      if (st.requests() != null && st.requests() % turns != 0) {
        out.add(new ScenarioProblem("workload.step.requests", "must be a multiple of session.turns (" + turns + "): a cell runs whole sessions"));
      }
      if (st.requestsPerUser() != null && st.requestsPerUser() % turns != 0) {
        out.add(new ScenarioProblem("workload.step.requestsPerUser", "must be a multiple of session.turns (" + turns + "): a cell runs whole sessions"));
      }
    }
  }
}
