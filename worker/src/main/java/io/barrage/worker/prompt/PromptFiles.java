package io.barrage.worker.prompt;

import io.barrage.protocol.scenario.ConfinedFiles;
import io.barrage.protocol.scenario.ScenarioLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The files a scenario's prompts read (dataset, {@code tokenizer.json}, a list of lengths): where the
 * scenario may read ({@link ConfinedFiles}) and no larger than {@code barrage.scenario.limits.max-dataset-bytes},
 * checked before reading.
 */
public final class PromptFiles {
  private PromptFiles() {}

  /**
   * The readable file {@code given} names.
   *
   * @param what names the file in errors ({@code dataset}, {@code tokenizer file}, ...)
   * @throws IllegalArgumentException when it cannot be used, naming it
   */
  public static Path resolve(String what, String given, Path baseDir) {
    Path p = ConfinedFiles.resolve(given, baseDir).orElseThrow(() -> new IllegalArgumentException(ConfinedFiles.refusal(what, given)));
    long cap = ScenarioLimits.get().maxDatasetBytes();
    long size;
    try {
      size = Files.size(p);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + what + " " + given + ": " + e.getMessage());
    }
    if (size > cap) {
      throw new IllegalArgumentException(what + " " + given + " is " + size + " bytes, more than the " + cap
          + " a scenario may read (barrage.scenario.limits.max-dataset-bytes; raise it with BARRAGE_MAX_DATASET_BYTES on every worker)");
    }
    return p;
  }
}
