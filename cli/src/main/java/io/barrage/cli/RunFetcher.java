package io.barrage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Downloads a run's result files from the coordinator's API into a local directory, for
 * {@code barrage submit --fetch DIR} and {@code barrage fetch RUN-ID DIR}: the list from
 * {@code GET /api/runs/{id}/files}, each file streamed to a temporary name beside its place and
 * moved there once complete. A name the server sends is used only if it stays inside the directory
 * (no empty, {@code .} or {@code ..} segment, no absolute path, no backslash).
 */
final class RunFetcher {
  /** What went wrong, with the exit code it calls for. */
  static final class FetchException extends Exception {
    final int exitCode;

    FetchException(int exitCode, String message) {
      super(message);
      this.exitCode = exitCode;
    }
  }

  private final CoordinatorApi client;
  private final PrintStream out;

  RunFetcher(CoordinatorApi client, PrintStream out) {
    this.client = client;
    this.out = out;
  }

  /** Downloads every file of run {@code runId} into {@code dir}; returns the number of files. */
  int fetch(String runId, Path dir) throws FetchException, InterruptedException {
    List<String> names = new ArrayList<>();
    long total = 0;
    try {
      CoordinatorApi.Answer a = client.files(runId);
      switch (a.status()) {
        case 200 -> {
        }
        case 401 -> throw new FetchException(ExitCodes.BAD_INPUT, "the coordinator at " + client.base() + " refused the API token (401)");
        case 404 -> throw new FetchException(ExitCodes.BAD_INPUT, "the coordinator at " + client.base() + " has no result directory for run " + runId);
        default -> throw new FetchException(ExitCodes.INTERNAL, "unexpected answer " + a.status() + " listing the files of run " + runId);
      }
      for (JsonNode f : a.json().path("files")) names.add(f.path("name").asText());
    } catch (IOException e) {
      throw new FetchException(ExitCodes.INTERNAL, "cannot list the files of run " + runId + " at " + client.base() + ": " + e.getMessage());
    }
    Path root = dir.toAbsolutePath().normalize();
    for (String name : names) {
      Path target = inside(root, name);
      if (target == null) throw new FetchException(ExitCodes.INTERNAL, "the coordinator sent a file name outside the directory: '" + name + "'");
      Path part = null;
      try {
        Files.createDirectories(target.getParent());
        part = Files.createTempFile(target.getParent(), ".fetch-", ".part");
        int status = client.download(runId, name, part);
        if (status != 200) {
          throw new FetchException(status == 401 ? ExitCodes.BAD_INPUT : ExitCodes.INTERNAL,
              "unexpected answer " + status + " downloading " + name + " of run " + runId);
        }
        total += Files.size(part);
        Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        part = null;
      } catch (IOException e) {
        throw new FetchException(ExitCodes.INTERNAL, "cannot download " + name + " of run " + runId + " into " + target + ": " + e.getMessage());
      } finally {
        if (part != null) {
          try {
            Files.deleteIfExists(part);
          } catch (IOException ignored) {
            // best effort
          }
        }
      }
    }
    out.printf(Locale.ROOT, "fetched %d file(s) of run %s (%.1f MB) into %s%n", names.size(), runId, total / 1e6, dir);
    if (names.contains("report.html")) out.println("report:  " + dir.resolve("report.html"));
    return names.size();
  }

  /** {@code root/name} if {@code name} is a plain relative path that stays below root; else null. */
  static Path inside(Path root, String name) {
    if (name.isEmpty() || name.startsWith("/") || name.contains("\\") || name.contains("\0")) return null;
    for (String seg : name.split("/", -1)) {
      if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) return null;
    }
    Path p = root.resolve(name).normalize();
    return p.startsWith(root) && !p.equals(root) ? p : null;
  }
}
