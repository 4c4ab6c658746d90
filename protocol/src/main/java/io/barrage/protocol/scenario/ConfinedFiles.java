package io.barrage.protocol.scenario;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a scenario may read files from ({@code auth.file}, {@code workload.prompt.dataset}): the
 * scenario's own directory, plus the directories listed in {@link #ENV} (separated by the platform's
 * path separator). A path must be relative and free of {@code ..}, or absolute under a listed
 * directory; links are followed before the check, so a link cannot lead outside. A file that is
 * missing and a file that is forbidden give the same message, so the answer never tells whether a
 * file exists elsewhere.
 */
public final class ConfinedFiles {
  /** Extra directories scenarios may read from. */
  public static final String ENV = "BARRAGE_FILE_DIRS";

  private ConfinedFiles() {}

  /** The message for a file that cannot be used, whatever the reason. */
  public static String refusal(String what, String given) {
    return what + " " + given + " is not a readable file under the scenario directory or a directory in " + ENV;
  }

  /** The readable regular file {@code given} names, or empty when it is missing, unreadable or outside. */
  public static java.util.Optional<Path> resolve(String given, Path baseDir) {
    return resolve(given, baseDir, System.getenv(ENV));
  }

  static java.util.Optional<Path> resolve(String given, Path baseDir, String extraDirs) {
    if (given == null || given.isEmpty() || given.indexOf('\0') >= 0) return java.util.Optional.empty();
    List<Path> roots = new ArrayList<>();
    Path base = baseDir == null ? Path.of("") : baseDir;
    roots.add(base.toAbsolutePath().normalize());
    if (extraDirs != null) {
      for (String d : extraDirs.split(java.io.File.pathSeparator)) {
        if (!d.isBlank()) roots.add(Path.of(d.strip()).toAbsolutePath().normalize());
      }
    }
    Path p;
    try {
      p = Path.of(given);
    } catch (RuntimeException e) {
      return java.util.Optional.empty();
    }
    for (Path part : p) {
      if (part.toString().equals("..")) return java.util.Optional.empty();
    }
    Path candidate = p.isAbsolute() ? p.normalize() : roots.get(0).resolve(p).normalize();
    try {
      Path real = candidate.toRealPath();
      if (!Files.isRegularFile(real) || !Files.isReadable(real)) return java.util.Optional.empty();
      for (Path root : roots) {
        Path realRoot;
        try {
          realRoot = root.toRealPath();
        } catch (IOException e) {
          continue;
        }
        if (real.startsWith(realRoot)) return java.util.Optional.of(real);
      }
    } catch (IOException | SecurityException e) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.empty();
  }
}
