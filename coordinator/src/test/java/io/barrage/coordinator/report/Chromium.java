package io.barrage.coordinator.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Headless Chromium with the network cut off (only file:// pages load), for the report's browser test. */
final class Chromium {
  record Result(int exit, String stdout, String stderr) {
    /** Lines of the page's console (console.* calls, uncaught exceptions, failed loads). */
    List<String> consoleLines() {
      return stderr.lines().filter(l -> l.contains(":CONSOLE")).toList();
    }
  }

  private Chromium() {}

  static Path binary() {
    String env = System.getenv("BARRAGE_CHROMIUM");
    for (String c : new String[] {env, "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"}) {
      if (c != null && Files.isExecutable(Path.of(c))) return Path.of(c);
    }
    throw new IllegalStateException("the report's browser test needs Chromium: apt-get install chromium, or set BARRAGE_CHROMIUM to its path");
  }

  static Result run(Path profileDir, Path page, String... extra) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(
        binary().toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
        "--user-data-dir=" + profileDir, "--enable-logging=stderr", "--v=0",
        // network off: every host name fails to resolve and any proxying goes to a closed port
        "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=http://127.0.0.1:9", "--window-size=1500,2400"));
    cmd.addAll(List.of(extra));
    cmd.add(page.toUri().toString());
    Path out = Files.createTempFile(profileDir.getParent(), "chromium", ".out");
    Path err = Files.createTempFile(profileDir.getParent(), "chromium", ".err");
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(90, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
      throw new IllegalStateException("chromium did not finish within 90 s");
    }
    return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
  }
}
