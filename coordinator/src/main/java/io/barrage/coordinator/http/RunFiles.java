package io.barrage.coordinator.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.barrage.common.json.Mappers;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;

/**
 * The result directories under the coordinator's {@code --out} directory, as the API serves them
 * ({@code docs/api.md}, "Results").
 *
 * <p>Nothing here joins a path from text a client sent. A run is found by looking its id up among the
 * names of the directories listed in the results directory, a file by looking its name up among the
 * files listed in that run's directory; text that is not exactly one of those names is simply not
 * found. Listings never follow a symbolic link: a link (to a directory or a file, inside or outside)
 * is not listed, and a file is opened with {@link LinkOption#NOFOLLOW_LINKS} after checking that its
 * real path is still inside the results directory, so a link swapped in after the listing is refused
 * too.
 */
public final class RunFiles {
  private static final ObjectMapper JSON = Mappers.tolerant();
  /** Files deeper than this below a run directory are not listed (a run writes one level: histograms/). */
  private static final int MAX_DEPTH = 4;

  /**
   * A run directory found on disk.
   *
   * @param id the directory's name
   * @param scenario, outcome, startedAt, endedAt from its {@code summary.json}; null where absent
   * @param startedAtEpochMs from {@code startedAt}, else the directory's modification time
   */
  public record PastRun(String id, String scenario, String outcome, String startedAt, String endedAt, long startedAtEpochMs,
      long endedAtEpochMs) {}

  /** A file of a run: its name relative to the run directory ({@code /}-separated) and size in bytes. */
  public record RunFile(String name, long size) {}

  private final Path root;

  /** @param root the results directory (the coordinator's {@code --out}); it may not exist yet */
  public RunFiles(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  /**
   * Every run directory with a {@code summary.json}, newest first (by the run's start, then by id).
   * Directories without one (a run in progress, a PVC's {@code lost+found}) are not listed here: the
   * API adds the runs this process knows from memory.
   */
  public List<PastRun> list() {
    List<PastRun> out = new ArrayList<>();
    for (Map.Entry<String, Path> e : runDirs().entrySet()) {
      Path summary = e.getValue().resolve("summary.json");
      if (!Files.isRegularFile(summary, LinkOption.NOFOLLOW_LINKS)) continue;
      out.add(read(e.getKey(), e.getValue(), summary));
    }
    out.sort(Comparator.comparingLong(PastRun::startedAtEpochMs).reversed().thenComparing(PastRun::id, Comparator.reverseOrder()));
    return out;
  }

  /** The run directory named exactly {@code id}, if the results directory lists one (with or without summary). */
  public Optional<PastRun> find(String id) {
    Path dir = runDirs().get(id);
    if (dir == null) return Optional.empty();
    Path summary = dir.resolve("summary.json");
    if (Files.isRegularFile(summary, LinkOption.NOFOLLOW_LINKS)) return Optional.of(read(id, dir, summary));
    return Optional.of(new PastRun(id, null, null, null, null, modified(dir), 0));
  }

  /** The files of run {@code id}, sorted by name; empty if there is no such run directory. */
  public Optional<List<RunFile>> files(String id) {
    Path dir = runDirs().get(id);
    if (dir == null) return Optional.empty();
    List<RunFile> out = new ArrayList<>();
    for (Map.Entry<String, Path> e : filesOf(dir).entrySet()) {
      try {
        out.add(new RunFile(e.getKey(), Files.size(e.getValue())));
      } catch (IOException gone) {
        // removed since the listing
      }
    }
    return Optional.of(out);
  }

  /** Whether run {@code id} lists a file {@code name} (nothing is opened). */
  public boolean has(String id, String name) {
    Path dir = runDirs().get(id);
    return dir != null && filesOf(dir).containsKey(name);
  }

  /**
   * Opens file {@code name} of run {@code id} if both are listed, not following links; empty when
   * either is not listed or the file is gone.
   */
  public Optional<InputStream> open(String id, String name) throws IOException {
    Path dir = runDirs().get(id);
    if (dir == null) return Optional.empty();
    Path file = filesOf(dir).get(name);
    if (file == null) return Optional.empty();
    try {
      if (!file.toRealPath().startsWith(root.toRealPath())) return Optional.empty();
      return Optional.of(Files.newInputStream(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
    } catch (NoSuchFileException gone) {
      return Optional.empty();
    }
  }

  /**
   * Writes run {@code id}'s listed files as a gzip-compressed tar to {@code out} (not closed), each
   * under {@code <id>/}. Returns false, writing nothing, when there is no such run.
   */
  public boolean writeArchive(String id, OutputStream out) throws IOException {
    Path dir = runDirs().get(id);
    if (dir == null) return false;
    GZIPOutputStream gz = new GZIPOutputStream(out, 64 * 1024);
    TarWriter tar = new TarWriter(gz);
    for (String name : filesOf(dir).keySet()) {
      Optional<InputStream> in = open(id, name);
      if (in.isEmpty()) continue;
      try (InputStream s = in.get()) {
        Path p = dir.resolve(name);
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        tar.add(id + "/" + name, a.size(), a.lastModifiedTime().toMillis() / 1000, s);
      }
    }
    tar.finish();
    gz.finish();
    out.flush();
    return true;
  }

  /** The directories directly under the root by name; links and anything else are left out. */
  private Map<String, Path> runDirs() {
    Map<String, Path> out = new LinkedHashMap<>();
    if (!Files.isDirectory(root)) return out;
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
      for (Path p : ds) {
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) && Files.isReadable(p)) out.put(p.getFileName().toString(), p);
      }
    } catch (IOException e) {
      // an unreadable results directory lists nothing
    }
    return out;
  }

  /** The regular files below {@code dir} by {@code /}-separated relative name, sorted; links are not followed. */
  private static Map<String, Path> filesOf(Path dir) {
    Map<String, Path> out = new java.util.TreeMap<>();
    collect(dir, "", 0, out);
    return out;
  }

  private static void collect(Path dir, String prefix, int depth, Map<String, Path> out) {
    if (depth >= MAX_DEPTH) return;
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        String name = prefix + p.getFileName().toString();
        if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          // files being written are moved into place from a temporary name: leave those out
          if (!name.endsWith(".tmp")) out.put(name, p);
        } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          collect(p, name + "/", depth + 1, out);
        }
      }
    } catch (IOException e) {
      // unreadable: nothing from here
    }
  }

  /** A summary read before, kept while the file's modification time and size stay the same. */
  private record Cached(long modified, long size, PastRun run) {}

  /** The live page polls GET /api/runs every second: each summary.json is parsed once, not once a poll. */
  private final java.util.concurrent.ConcurrentHashMap<Path, Cached> cache = new java.util.concurrent.ConcurrentHashMap<>();

  private PastRun read(String id, Path dir, Path summary) {
    try {
      BasicFileAttributes a = Files.readAttributes(summary, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      long modified = a.lastModifiedTime().toMillis();
      Cached c = cache.get(summary);
      if (c != null && c.modified == modified && c.size == a.size()) return c.run;
      PastRun run = parse(id, dir, summary);
      if (cache.size() > 10_000) cache.clear(); // bounded: far more runs than a results directory holds
      cache.put(summary, new Cached(modified, a.size(), run));
      return run;
    } catch (IOException e) {
      return parse(id, dir, summary);
    }
  }

  private static PastRun parse(String id, Path dir, Path summary) {
    String scenario = null, outcome = null, startedAt = null, endedAt = null;
    try {
      JsonNode run = runObject(summary);
      scenario = text(run, "scenario");
      outcome = text(run, "outcome");
      startedAt = text(run, "startedAt");
      endedAt = text(run, "endedAt");
    } catch (IOException | RuntimeException e) {
      // a summary that cannot be read: the run is still listed, by its directory
    }
    long started = epochMs(startedAt);
    return new PastRun(id, scenario, outcome, startedAt, endedAt, started > 0 ? started : modified(dir), epochMs(endedAt));
  }

  /**
   * The top-level {@code run} object of a summary, read without parsing the rest: it comes second in
   * the file (after {@code schemaVersion}), before every cell.
   */
  private static JsonNode runObject(Path summary) throws IOException {
    try (com.fasterxml.jackson.core.JsonParser p = JSON.getFactory().createParser(summary.toFile())) {
      if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) return JSON.missingNode();
      while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        if (field.equals("run")) return JSON.readTree(p);
        p.skipChildren();
      }
      return JSON.missingNode();
    }
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || !v.isTextual() ? null : v.asText();
  }

  private static long epochMs(String iso) {
    if (iso == null) return 0;
    try {
      return Instant.parse(iso).toEpochMilli();
    } catch (DateTimeParseException e) {
      return 0;
    }
  }

  private static long modified(Path p) {
    try {
      return Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toMillis();
    } catch (IOException e) {
      return 0;
    }
  }
}
