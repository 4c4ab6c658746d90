package io.barrage.protocol.scenario;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The check of multi-turn sessions that play a ShareGPT dataset's conversations (called by {@link
 * TrafficValidator}): the file is read with {@link ShareGptFile}, the workers' reader, so a malformed
 * file, or one in which no conversation goes on past its first turn, is reported before a run starts.
 * The length filter is the workers' to apply (it may count in each target's tokenizer).
 */
final class SessionDatasetCheck {
  private SessionDatasetCheck() {}

  static void validate(Workload w, Path baseDir, List<ScenarioProblem> out) {
    String p = "workload.prompt.dataset";
    String given = w.prompt().dataset();
    Path file = ConfinedFiles.resolve(given, baseDir).orElse(null);
    if (file == null) return; // PromptChecks names it
    try {
      if (Files.size(file) > ScenarioLimits.get().maxDatasetBytes()) return; // the workers refuse it with the limit's name
    } catch (IOException e) {
      return;
    }
    List<ShareGptFile.Conversation> read;
    try {
      read = ShareGptFile.read(file, given);
    } catch (IllegalArgumentException e) {
      out.add(new ScenarioProblem(p, e.getMessage()));
      return;
    }
    int withTurns = 0, longest = 0;
    for (ShareGptFile.Conversation c : read) {
      if (!c.turns().isEmpty()) withTurns++;
      longest = Math.max(longest, c.turns().size());
    }
    Integer turns = w.session().turns();
    if (withTurns == 0) {
      out.add(new ScenarioProblem(p, "none of its " + read.size() + " conversations has a human turn followed by a gpt reply"));
    } else if (turns != null && turns > 1 && longest < 2) {
      out.add(new ScenarioProblem(p, "sessions of " + turns + " turns play its conversations, but none of its " + read.size()
          + " conversations has a second human turn answered by gpt (each has one turn at most)"));
    }
  }
}
