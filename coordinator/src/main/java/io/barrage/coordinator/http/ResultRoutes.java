package io.barrage.coordinator.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.barrage.common.json.Mappers;
import io.barrage.coordinator.run.RunStatus;
import io.barrage.coordinator.run.Runs;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.ContentDispositionTypes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.StreamConverters;
import org.apache.pekko.util.ByteString;

/**
 * The result files over the API: the list of runs (this process's from memory, earlier ones from the
 * results directory), a run's files, one file, and the whole directory as a tar.gz. Files are
 * streamed from disk, never read whole. How names are looked up (never joined): {@link RunFiles}.
 */
final class ResultRoutes extends AllDirectives {
  private static final ObjectMapper JSON = Mappers.strict();
  /** Archives are written by blocking I/O on these threads, at most two at a time. */
  private static final ExecutorService ARCHIVERS = Executors.newFixedThreadPool(2, r -> {
    Thread t = new Thread(r, "barrage-archive");
    t.setDaemon(true);
    return t;
  });

  private static final ContentType GZIP = ContentTypes.create(MediaTypes.customBinary("application", "gzip", MediaTypes.NOT_COMPRESSIBLE));

  private final Runs runs;
  private final RunFiles files;
  private final Path runsDir;

  ResultRoutes(Runs runs, Path runsDir) {
    this.runs = runs;
    this.runsDir = runsDir;
    this.files = new RunFiles(runsDir);
  }

  /**
   * Every run, newest first: this process's runs as they stand, then (by start time among them) the
   * runs found in the results directory that this process does not know, as {@code FINISHED} statuses.
   */
  List<RunStatus> list() {
    Map<String, RunStatus> all = new LinkedHashMap<>();
    for (RunStatus s : runs.list()) all.put(s.runId(), s);
    for (RunFiles.PastRun p : files.list()) all.putIfAbsent(p.id(), past(p));
    List<RunStatus> out = new ArrayList<>(all.values());
    out.sort(Comparator.comparingLong(RunStatus::startedAtEpochMs).reversed());
    return out;
  }

  /** A run's status: from memory, else from its directory. */
  Optional<RunStatus> status(String id) {
    Optional<RunStatus> live = runs.status(id);
    if (live.isPresent()) return live;
    return files.list().stream().filter(p -> p.id().equals(id)).findFirst().map(this::past);
  }

  private RunStatus past(RunFiles.PastRun p) {
    return new RunStatus(p.id(), p.scenario(), RunStatus.Phase.FINISHED, p.outcome(), "found in the results directory", 0, 0, null, -1,
        0, 0, 0, 0, 0, 0, 0, List.of(), List.of(), runsDir.resolve(p.id()).toString(), p.startedAtEpochMs(),
        p.endedAtEpochMs() > 0 ? p.endedAtEpochMs() : p.startedAtEpochMs(), null);
  }

  /** {@code files}, {@code files/NAME}, {@code archive} below {@code /api/runs/{id}/}. */
  Route routes(String id) {
    return concat(
        path("files", () -> get(() -> listFiles(id))),
        pathPrefix("files", () -> extractUnmatchedPath(rest -> get(() -> file(id, decode(rest))))),
        path("archive", () -> get(() -> archive(id))));
  }

  private Route listFiles(String id) {
    Optional<List<RunFiles.RunFile>> list = files.files(id);
    if (list.isEmpty()) return json(StatusCodes.NOT_FOUND, Map.of("error", "no result directory for run " + id));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", id);
    out.put("files", list.get());
    out.put("archive", "/api/runs/" + id + "/archive");
    return json(StatusCodes.OK, out);
  }

  private Route file(String id, Optional<String> name) {
    if (name.isEmpty() || !files.has(id, name.get())) return notFound(id);
    // opened (with every check again) only when the response is streamed, so nothing stays open if it never is
    Source<ByteString, NotUsed> body = StreamConverters.fromInputStream(() -> open(id, name.get()), 64 * 1024)
        .mapMaterializedValue(f -> NotUsed.getInstance());
    ContentType type = contentType(name.get());
    HttpResponse r = HttpResponse.create().withEntity(HttpEntities.createChunked(type, body))
        .addHeader(RawHeader.create("X-Content-Type-Options", "nosniff"));
    // a report opened from here runs in an opaque origin: its scripts cannot read the live page's token
    if (name.get().endsWith(".html")) r = r.addHeader(RawHeader.create("Content-Security-Policy", "sandbox allow-scripts"));
    return complete(r);
  }

  private InputStream open(String id, String name) throws IOException {
    return files.open(id, name).orElseThrow(() -> new java.nio.file.NoSuchFileException(name));
  }

  private Route archive(String id) {
    if (files.find(id).isEmpty()) return json(StatusCodes.NOT_FOUND, Map.of("error", "no result directory for run " + id));
    Source<ByteString, NotUsed> body = StreamConverters.asOutputStream(Duration.ofSeconds(60))
        .mapMaterializedValue(os -> {
          ARCHIVERS.execute(() -> writeArchive(id, os));
          return NotUsed.getInstance();
        });
    return complete(HttpResponse.create().withEntity(HttpEntities.createChunked(GZIP, body))
        .addHeader(org.apache.pekko.http.javadsl.model.headers.ContentDisposition.create(ContentDispositionTypes.ATTACHMENT,
            Map.of("filename", id + ".tar.gz"))));
  }

  private void writeArchive(String id, OutputStream os) {
    try (os) {
      files.writeArchive(id, os);
    } catch (IOException e) {
      // the client went away, or a file could not be read: the stream ends early and the client sees a truncated gzip
    }
  }

  /** A {@code /}-separated path, each segment percent-decoded; empty for an empty name. */
  static Optional<String> decode(String rawPath) {
    String p = rawPath.startsWith("/") ? rawPath.substring(1) : rawPath;
    if (p.isEmpty()) return Optional.empty();
    List<String> parts = new ArrayList<>();
    for (String seg : p.split("/", -1)) {
      try {
        parts.add(URLDecoder.decode(seg.replace("+", "%2B"), StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
    }
    return Optional.of(String.join("/", parts));
  }

  static ContentType contentType(String name) {
    String ext = name.substring(name.lastIndexOf('.') + 1);
    return switch (ext) {
      case "json" -> ContentTypes.APPLICATION_JSON;
      case "html" -> ContentTypes.TEXT_HTML_UTF8;
      case "csv" -> MediaTypes.TEXT_CSV.toContentType(org.apache.pekko.http.javadsl.model.HttpCharsets.UTF_8);
      case "hlog", "txt", "log", "yaml" -> ContentTypes.TEXT_PLAIN_UTF8;
      default -> ContentTypes.APPLICATION_OCTET_STREAM;
    };
  }

  private Route notFound(String id) {
    return json(StatusCodes.NOT_FOUND, Map.of("error", "no such file in run " + id));
  }

  private Route json(StatusCode status, Object body) {
    try {
      return complete(HttpResponse.create().withStatus(status).withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, JSON.writeValueAsString(body))));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
