package io.barrage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportAndCompareCommandTest {

  @Test
  void reportReRendersTheHtmlAndCsvFromTheSavedData(@TempDir Path tmp) throws Exception {
    Path dir = ResultDirs.write(tmp.resolve("a"), "run-a", 1.0);
    String csv = Files.readString(dir.resolve("results.csv"));
    Files.delete(dir.resolve("report.html"));
    Files.delete(dir.resolve("results.csv"));
    CliRun o = CliRun.of("report", dir.toString());
    assertThat(o.code()).as(o.err()).isZero();
    assertThat(dir.resolve("report.html")).isNotEmptyFile();
    assertThat(Files.readString(dir.resolve("results.csv"))).isEqualTo(csv);
    assertThat(o.out()).contains("stack").contains("report.html");
  }

  @Test
  void reportPrintsTheTableWithErrorsTheCellsLeftOutAndTheOutcome(@TempDir Path tmp) throws Exception {
    Path dir = ResultDirs.write(tmp.resolve("e"), "run-e", 1.0, 5); // c10: 10 ok, 5 resets (33.3 %)
    CliRun o = CliRun.of("report", dir.toString());
    assertThat(o.code()).as(o.err()).isZero();
    assertThat(o.out()).containsPattern("target\\s+tokens\\s+load\\s+ok\\s+errors\\s+err %")
        .containsPattern("stack\\s+128\\s+c1\\s+10\\s+0\\s+0\\.0\\s")
        .containsPattern("stack\\s+128\\s+c10\\s+10\\s+5\\s+33\\.3\\s")
        .contains("stack/m128/c10: 33.33 % errors > 1 %")
        .contains("run completed");
  }

  @Test
  void compareLeavesOutACellWithTooManyErrors(@TempDir Path tmp) throws Exception {
    Path a = ResultDirs.write(tmp.resolve("a"), "run-a", 1.0);
    Path b = ResultDirs.write(tmp.resolve("b"), "run-b", 2.5, 5);
    CliRun o = CliRun.of("compare", a.toString(), b.toString());
    assertThat(o.code()).as(o.err()).isZero();
    // c10 of B had 33 % errors: the sentence falls back to the highest level both measured cleanly
    assertThat(o.out()).contains("B:stack: 2.5× the tokens/s and 2.5× lower median latency than A:stack at 1 concurrent request (128 new tokens)")
        .doesNotContain("at 10 concurrent requests (128 new tokens)")
        .contains("B:stack/m128/c10: 33.33 % errors > 1 %");
  }

  @Test
  void reportOfADirectoryWithoutResultsIsBadInputWithAClearMessage(@TempDir Path tmp) {
    CliRun o = CliRun.of("report", tmp.toString());
    assertThat(o.code()).isEqualTo(2);
    assertThat(o.err()).contains("holds no summary.json").doesNotContain("Exception");
  }

  @Test
  void reportOfACorruptSummaryIsBadInput(@TempDir Path tmp) throws Exception {
    Files.writeString(tmp.resolve("summary.json"), "{\"schemaVersion\": 1, \"run\": [");
    CliRun o = CliRun.of("report", tmp.toString());
    assertThat(o.code()).isEqualTo(2);
    assertThat(o.err()).contains("not a valid barrage result file");
  }

  @Test
  void compareTwoSavedRunsOfTheSameStack(@TempDir Path tmp) throws Exception {
    Path a = ResultDirs.write(tmp.resolve("a"), "run-a", 1.0);
    Path b = ResultDirs.write(tmp.resolve("b"), "run-b", 2.5);
    Path out = tmp.resolve("cmp");
    CliRun o = CliRun.of("compare", a.toString(), b.toString(), "--out", out.toString());
    assertThat(o.code()).as(o.err()).isZero();
    assertThat(o.out()).contains("B:stack: 2.5× the tokens/s and 2.5× lower median latency than A:stack at 10 concurrent requests (128 new tokens)");
    assertThat(out.resolve("comparison.html")).isNotEmptyFile();
    assertThat(Files.readString(out.resolve("comparison.json"))).contains("\"throughputRatio\" : 2.5");
  }

  @Test
  void compareWithAMissingDirectoryIsBadInput(@TempDir Path tmp) throws Exception {
    Path a = ResultDirs.write(tmp.resolve("a"), "run-a", 1.0);
    CliRun o = CliRun.of("compare", a.toString(), tmp.resolve("nope").toString());
    assertThat(o.code()).isEqualTo(2);
    assertThat(o.err()).contains("DIR_B").contains("is not a directory");
  }
}
