package io.barrage.cli;

import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code barrage fetch RUN-ID DIR --api URL}: downloads an earlier run's result files from a
 * coordinator's API ({@code GET /api/runs/{id}/files/...}) into DIR. Exit 0 done; 2 bad input (no
 * or refused token, no such run); 3 the coordinator could not be reached or answered unexpectedly,
 * or a file could not be written.
 */
@Command(name = "fetch", mixinStandardHelpOptions = true,
    description = "Download a run's result files (summary.json, results.csv, report.html, histograms) from a coordinator's API.")
public final class FetchCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "RUN-ID", description = "the run's id (as `barrage submit` printed it, or from GET /api/runs)")
  String runId;

  @Parameters(index = "1", paramLabel = "DIR", description = "where the files go (created if missing; files of the same name are replaced)")
  Path dir;

  @Option(names = "--api", defaultValue = "http://127.0.0.1:8080", paramLabel = "URL", description = "the coordinator's API (default ${DEFAULT-VALUE})")
  String api;

  @Option(names = "--token-file", paramLabel = "FILE", description = "file holding the API bearer token (else $BARRAGE_API_TOKEN)")
  Path tokenFile;

  @Override
  public Integer call() throws Exception {
    URI base;
    try {
      base = CoordinatorApi.baseUri(api);
    } catch (IllegalArgumentException e) {
      throw new ExitException(ExitCodes.BAD_INPUT, "barrage fetch: " + e.getMessage());
    }
    CoordinatorApi client = new CoordinatorApi(base, ClientToken.read(tokenFile, "barrage fetch"));
    try {
      new RunFetcher(client, System.out).fetch(runId, dir);
      return ExitCodes.OK;
    } catch (RunFetcher.FetchException e) {
      throw new ExitException(e.exitCode, "barrage fetch: " + e.getMessage());
    }
  }
}
