package io.barrage.coordinator.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunFilesTest {
  @TempDir Path tmp;
  Path root;
  Path outside;
  RunFiles files;

  /** A result directory as the coordinator writes it. */
  static void run(Path root, String id, String startedAt, String outcome) throws Exception {
    Path d = Files.createDirectories(root.resolve(id).resolve("histograms"));
    Files.writeString(d.getParent().resolve("summary.json"), """
        {"schemaVersion":1,"run":{"id":"%s","scenario":"sc-%s","startedAt":"%s","endedAt":"%s","outcome":"%s"}}"""
        .formatted(id, id, startedAt, startedAt, outcome));
    Files.writeString(d.getParent().resolve("results.csv"), "model,tokens\nllama,128\n");
    Files.writeString(d.getParent().resolve("report.html"), "<!doctype html><title>" + id + "</title>");
    Files.writeString(d.resolve("tgi_m128_c1_ttft.hlog"), "#[hlog of " + id + "]\n");
  }

  @BeforeEach
  void setUp() throws Exception {
    root = Files.createDirectories(tmp.resolve("results"));
    outside = Files.createDirectories(tmp.resolve("outside"));
    Files.writeString(outside.resolve("secret.txt"), "not yours");
    Files.writeString(outside.resolve("summary.json"), "{\"run\":{\"id\":\"outside\"}}");
    run(root, "old", "2026-01-01T10:00:00Z", "completed");
    run(root, "new", "2026-02-01T10:00:00Z", "degraded");
    Files.createDirectories(root.resolve("lost+found")); // a PVC's root: no summary, not a run
    Files.writeString(root.resolve("api-token"), "token");
    files = new RunFiles(root);
  }

  @Test
  void runsWithASummaryAreListedNewestFirstWithOutcomeAndTimes() {
    List<RunFiles.PastRun> runs = files.list();
    assertThat(runs).extracting(RunFiles.PastRun::id).containsExactly("new", "old");
    assertThat(runs.get(0).outcome()).isEqualTo("degraded");
    assertThat(runs.get(0).scenario()).isEqualTo("sc-new");
    assertThat(runs.get(0).startedAt()).isEqualTo("2026-02-01T10:00:00Z");
    assertThat(runs.get(1).startedAtEpochMs()).isEqualTo(java.time.Instant.parse("2026-01-01T10:00:00Z").toEpochMilli());
  }

  @Test
  void aRunsFilesAreListedWithTheirSubdirectory() {
    assertThat(files.files("old")).hasValueSatisfying(l -> assertThat(l).extracting(RunFiles.RunFile::name)
        .containsExactly("histograms/tgi_m128_c1_ttft.hlog", "report.html", "results.csv", "summary.json"));
    assertThat(files.files("nope")).isEmpty();
  }

  @Test
  void namesThatAreNotListedAreNotFoundWhateverTheyPointAt() throws Exception {
    for (String name : List.of("../outside/secret.txt", "../../outside/secret.txt", "histograms/../summary.json", "./summary.json",
        root.resolve("old/summary.json").toString(), outside.resolve("secret.txt").toString(), "/etc/passwd", "", "histograms",
        "%2e%2e/outside/secret.txt")) {
      assertThat(files.open("old", name)).as(name).isEmpty();
    }
    for (String id : List.of("..", ".", "../outside", "old/..", "/etc", "old/histograms", "api-token", "lost+found/..")) {
      assertThat(files.open(id, "summary.json")).as(id).isEmpty();
      assertThat(files.files(id)).as(id).isEmpty();
    }
  }

  @Test
  void symbolicLinksOutOfTheDirectoryAreNeitherListedNorServed() throws Exception {
    Files.createSymbolicLink(root.resolve("old/leak.txt"), outside.resolve("secret.txt"));
    Files.createSymbolicLink(root.resolve("old/histograms/leak.hlog"), outside.resolve("secret.txt"));
    Files.createSymbolicLink(root.resolve("old/linked-dir"), outside);
    Files.createSymbolicLink(root.resolve("linked-run"), outside); // a "run" that is a link to elsewhere
    assertThat(files.files("old").orElseThrow()).extracting(RunFiles.RunFile::name)
        .noneMatch(n -> n.contains("leak") || n.startsWith("linked-dir"));
    assertThat(files.open("old", "leak.txt")).isEmpty();
    assertThat(files.open("old", "linked-dir/secret.txt")).isEmpty();
    assertThat(files.list()).extracting(RunFiles.PastRun::id).doesNotContain("linked-run");
    assertThat(files.open("linked-run", "secret.txt")).isEmpty();
    assertThat(files.find("linked-run")).isEmpty();
  }

  @Test
  void aListedFileIsServedAsItIs() throws Exception {
    Optional<InputStream> in = files.open("new", "histograms/tgi_m128_c1_ttft.hlog");
    assertThat(in).isPresent();
    try (InputStream s = in.get()) {
      assertThat(new String(s.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("#[hlog of new]\n");
    }
  }

  @Test
  void theArchiveHoldsEveryFileUnderTheRunIdAndTarReadsIt() throws Exception {
    Files.createSymbolicLink(root.resolve("old/leak.txt"), outside.resolve("secret.txt"));
    // a long name: over ustar's 100 bytes without a '/' to split at, so it needs a pax header
    String longName = "x".repeat(140) + ".hlog";
    Files.write(root.resolve("old/histograms").resolve(longName), new byte[70_000]);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    assertThat(files.writeArchive("old", bytes)).isTrue();
    assertThat(files.writeArchive("nope", new ByteArrayOutputStream())).isFalse();

    Path archive = tmp.resolve("old.tar.gz");
    Files.write(archive, bytes.toByteArray());
    Path into = Files.createDirectories(tmp.resolve("extracted"));
    Process p = new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", into.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).isEmpty(); // no warning either
    for (String name : List.of("summary.json", "results.csv", "report.html", "histograms/tgi_m128_c1_ttft.hlog", "histograms/" + longName)) {
      assertThat(into.resolve("old").resolve(name)).as(name).hasSameBinaryContentAs(root.resolve("old").resolve(name));
    }
    assertThat(into.resolve("old/leak.txt")).doesNotExist();
    try (var all = Files.walk(into)) {
      assertThat(all.filter(Files::isRegularFile).count()).isEqualTo(5);
    }
  }

  @Test
  void paxRecordsCountTheirOwnLength() {
    for (String v : List.of("a", "x".repeat(90), "x".repeat(94), "x".repeat(95), "x".repeat(990))) {
      byte[] r = TarWriter.paxRecord("path", v);
      String s = new String(r, StandardCharsets.UTF_8);
      assertThat(Integer.parseInt(s.substring(0, s.indexOf(' ')))).as(v.length() + "").isEqualTo(r.length);
    }
  }
}
