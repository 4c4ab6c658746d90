package io.barrage.protocol.scenario;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Checks of {@code workload.prompt}: one source, the dataset's format and filter, the length
 * distributions, the tokenizer and what it needs of each target. Files are checked to be readable
 * where the scenario may read them ({@link ConfinedFiles}); their contents are read by the workers.
 */
final class PromptChecks {
  static final Set<String> DISTRIBUTIONS = Set.of("fixed", "uniform", "normal", "lognormal", "empirical");
  static final Set<String> FORMATS = Set.of("jsonl", "sharegpt");

  private PromptChecks() {}

  static void validate(Scenario s, Path baseDir, List<ScenarioProblem> out) {
    PromptSpec pr = s.workload() == null ? null : s.workload().prompt();
    String p = "workload.prompt";
    // a trace replay brings its own prompt lengths (a tokenizer alone makes them exact)
    boolean trace = s.workload() != null && s.workload().load() != null && s.workload().load().trace() != null;
    if (pr == null) {
      if (s.workload() != null && !trace) out.add(new ScenarioProblem(p, "required: text, dataset or synthetic"));
      return;
    }
    int kinds = (pr.text() != null ? 1 : 0) + (pr.dataset() != null ? 1 : 0) + (pr.synthetic() != null ? 1 : 0);
    if (kinds != 1 && !(trace && kinds == 0)) out.add(new ScenarioProblem(p, "give exactly one of text, dataset or synthetic"));
    if (pr.text() != null && pr.text().isEmpty()) out.add(new ScenarioProblem(p + ".text", "must not be empty"));
    if (pr.dataset() != null) file(p + ".dataset", pr.dataset(), baseDir, out);
    if (pr.format() != null) {
      if (pr.dataset() == null) out.add(new ScenarioProblem(p + ".format", "applies to a dataset only"));
      else if (!FORMATS.contains(pr.format())) out.add(new ScenarioProblem(p + ".format", "must be jsonl or sharegpt"));
    }
    if (pr.filter() != null) {
      if (pr.dataset() == null) out.add(new ScenarioProblem(p + ".filter", "applies to a dataset only"));
      PromptSpec.LengthFilter f = pr.filter();
      bounds(p + ".filter", "minInputTokens", f.minInputTokens(), "maxInputTokens", f.maxInputTokens(), out);
      bounds(p + ".filter", "minOutputTokens", f.minOutputTokens(), "maxOutputTokens", f.maxOutputTokens(), out);
    }
    if (pr.synthetic() != null) {
      PromptSpec.TokenDistribution d = pr.synthetic().inputTokens();
      if (d == null) out.add(new ScenarioProblem(p + ".synthetic.inputTokens", "required"));
      else distribution(p + ".synthetic.inputTokens", d, baseDir, out);
      Integer shared = pr.synthetic().sharedPrefixTokens();
      if (shared != null && shared < 0) out.add(new ScenarioProblem(p + ".synthetic.sharedPrefixTokens", "must be >= 0"));
      if (shared != null && shared > 0 && pr.tokenizer() == null) {
        out.add(new ScenarioProblem(p + ".synthetic.sharedPrefixTokens", "needs a tokenizer (workload.prompt.tokenizer)"));
      }
    }
    if (pr.outputTokens() != null) distribution(p + ".outputTokens", pr.outputTokens(), baseDir, out);
    if (pr.tokenizer() != null) tokenizer(s, pr.tokenizer(), baseDir, out);
  }

  private static void tokenizer(Scenario s, PromptSpec.TokenizerSpec t, Path baseDir, List<ScenarioProblem> out) {
    String p = "workload.prompt.tokenizer";
    if ((t.source() != null) == (t.file() != null)) {
      out.add(new ScenarioProblem(p, "give source: target (each target's /tokenize) or file: tokenizer.json, one of them"));
      return;
    }
    if (t.file() != null) {
      file(p + ".file", t.file(), baseDir, out);
      return;
    }
    if (!t.fromTarget()) {
      out.add(new ScenarioProblem(p + ".source", "must be target (or give file: tokenizer.json instead)"));
      return;
    }
    if (s.targets() == null) return;
    for (int i = 0; i < s.targets().size(); i++) {
      Target target = s.targets().get(i);
      if (target == null || target.api() == null) continue;
      Stack stack = target.stackOrDefault();
      if (stack == null) {
        out.add(new ScenarioProblem("targets[" + i + "].stack", "required with workload.prompt.tokenizer.source: target"
            + (target.api() == ApiKind.FASTAPI ? " (a fastapi target has no /tokenize: use a tokenizer file)" : "")
            + ": one of " + Stack.names()));
      } else if (!stack.tokenizes()) {
        out.add(new ScenarioProblem("targets[" + i + "].stack", stack.yamlName()
            + " has no /tokenize route: use workload.prompt.tokenizer.file"));
      }
    }
  }

  private static void distribution(String p, PromptSpec.TokenDistribution d, Path baseDir, List<ScenarioProblem> out) {
    String kind = d.kind();
    if (!DISTRIBUTIONS.contains(kind)) {
      out.add(new ScenarioProblem(p + ".distribution", "must be one of fixed, uniform, normal, lognormal, empirical"));
      return;
    }
    positive(p + ".min", d.min(), out);
    positive(p + ".max", d.max(), out);
    bounds(p, "min", d.min(), "max", d.max(), out);
    switch (kind) {
      case "fixed" -> {
        if (d.value() == null || d.value() < 1) out.add(new ScenarioProblem(p + ".value", "required for fixed, >= 1"));
      }
      case "uniform" -> {
        if (d.min() == null || d.max() == null) out.add(new ScenarioProblem(p, "uniform needs min and max"));
      }
      case "normal", "lognormal" -> {
        if (d.mean() == null || d.mean() < 1) out.add(new ScenarioProblem(p + ".mean", "required, >= 1"));
        if (d.stddev() != null && d.stddev() < 0) out.add(new ScenarioProblem(p + ".stddev", "must be >= 0"));
        if (d.mean() != null && d.min() != null && d.mean() < d.min()) {
          out.add(new ScenarioProblem(p + ".mean", "mean " + d.mean() + " is below min " + d.min()));
        }
        if (d.mean() != null && d.max() != null && d.mean() > d.max()) {
          out.add(new ScenarioProblem(p + ".mean", "mean " + d.mean() + " is above max " + d.max()));
        }
      }
      case "empirical" -> {
        if (d.file() == null) out.add(new ScenarioProblem(p + ".file", "required for empirical: one length a line"));
        else file(p + ".file", d.file(), baseDir, out);
      }
      default -> { }
    }
    if (d.file() != null && !kind.equals("empirical")) out.add(new ScenarioProblem(p + ".file", "applies to distribution: empirical only"));
    if (d.value() != null && !kind.equals("fixed")) out.add(new ScenarioProblem(p + ".value", "applies to distribution: fixed only"));
  }

  private static void file(String p, String given, Path baseDir, List<ScenarioProblem> out) {
    if (ConfinedFiles.resolve(given, baseDir).isEmpty()) out.add(new ScenarioProblem(p, ConfinedFiles.refusal("", given).strip()));
  }

  private static void positive(String p, Integer v, List<ScenarioProblem> out) {
    if (v != null && v < 1) out.add(new ScenarioProblem(p, "must be >= 1"));
  }

  private static void bounds(String p, String minName, Integer min, String maxName, Integer max, List<ScenarioProblem> out) {
    if (min != null && min < 0) out.add(new ScenarioProblem(p + "." + minName, "must be >= 0"));
    if (min != null && max != null && min > max) {
      out.add(new ScenarioProblem(p + "." + minName, minName + " " + min + " is greater than " + maxName + " " + max));
    }
  }
}
