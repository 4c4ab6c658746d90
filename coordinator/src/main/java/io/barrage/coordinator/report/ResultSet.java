package io.barrage.coordinator.report;

import com.fasterxml.jackson.core.JacksonException;
import io.barrage.coordinator.report.model.Distributions;
import io.barrage.coordinator.report.model.Summary;
import io.barrage.coordinator.report.model.Timeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The saved data of one result directory. {@code timeline} and {@code distributions} are optional
 * (empty when the files are missing, e.g. a summary.json produced elsewhere).
 */
public record ResultSet(Summary summary, Timeline timeline, Distributions distributions) {

  /** Why a directory cannot be read, in words a person can act on. */
  public static final class UnreadableResultsException extends Exception {
    public UnreadableResultsException(String message) {
      super(message);
    }
  }

  public static ResultSet read(Path dir) throws UnreadableResultsException {
    if (!Files.isDirectory(dir)) throw new UnreadableResultsException(dir + " is not a directory");
    Path summaryFile = dir.resolve(ResultWriter.SUMMARY);
    if (!Files.isRegularFile(summaryFile)) {
      throw new UnreadableResultsException(dir + " holds no " + ResultWriter.SUMMARY + " (is it a barrage result directory?)");
    }
    Summary summary = readJson(summaryFile, Summary.class);
    if (summary.schemaVersion() != Summary.SCHEMA_VERSION) {
      throw new UnreadableResultsException(summaryFile + " has schemaVersion " + summary.schemaVersion() + "; this barrage reads version " + Summary.SCHEMA_VERSION);
    }
    if (summary.targets() == null || summary.run() == null) {
      throw new UnreadableResultsException(summaryFile + " lacks 'run' or 'targets'");
    }
    Path tl = dir.resolve(ResultWriter.TIMELINE), ds = dir.resolve(ResultWriter.DISTRIBUTIONS);
    Timeline timeline = Files.isRegularFile(tl) ? readJson(tl, Timeline.class) : new Timeline(Summary.SCHEMA_VERSION, 0, List.of());
    Distributions dists = Files.isRegularFile(ds) ? readJson(ds, Distributions.class) : new Distributions(Summary.SCHEMA_VERSION, List.of());
    return new ResultSet(summary, timeline, dists);
  }

  private static <T> T readJson(Path file, Class<T> type) throws UnreadableResultsException {
    try {
      T v = Json.MAPPER.readValue(file.toFile(), type);
      if (v == null) throw new UnreadableResultsException(file + " is empty");
      return v;
    } catch (JacksonException e) {
      String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
      throw new UnreadableResultsException(file + " is not a valid barrage result file" + where + ": " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new UnreadableResultsException("cannot read " + file + ": " + e.getMessage());
    }
  }
}
