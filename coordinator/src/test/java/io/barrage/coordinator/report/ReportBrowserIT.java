package io.barrage.coordinator.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens report.html in headless Chromium with the network cut off: no console errors, every chart
 * drawn (non-empty SVG paths after the page's script ran), and a screenshot that is not blank.
 */
class ReportBrowserIT {
  static final List<String> CHARTS = List.of(
      "chart-throughput", "chart-goodput", "chart-ttft", "chart-tpot", "chart-ntpot", "chart-e2e", "chart-errors",
      "chart-dist-e2e", "chart-dist-ttft", "chart-timeline-tokens", "chart-timeline-inflight");

  @TempDir static Path tmp;
  static Path report;

  @BeforeAll
  static void writeReport() throws Exception {
    Path dir = tmp.resolve("run");
    ResultWriter.write(SyntheticRun.create(), dir);
    report = dir.resolve("report.html");
  }

  @Test
  void theReportNeedsNothingFromTheNetwork() throws Exception {
    String html = Files.readString(report);
    assertThat(html).doesNotContainPattern("(?i)<(script|link|img|iframe)[^>]+(src|href)=");
    assertThat(html.replace("http://www.w3.org/2000/svg", "")).doesNotContain("http://").doesNotContain("https://");
  }

  @Test
  void everyChartIsDrawnWithoutConsoleErrors() throws Exception {
    Chromium.Result r = Chromium.run(tmp.resolve("profile-dom"), report, "--dump-dom");
    assertThat(r.exit()).as(r.stderr()).isZero();
    assertThat(r.consoleLines()).as("console output of the page").isEmpty();
    String dom = r.stdout();
    assertThat(dom).contains("data-charts=\"" + CHARTS.size() + "\"").contains("data-charts-drawn=\"" + CHARTS.size() + "\"");
    for (String id : CHARTS) {
      Matcher m = Pattern.compile("<figure class=\"chart\" id=\"" + id + "\" data-drawn=\"true\">(.*?)</figure>", Pattern.DOTALL).matcher(dom);
      assertThat(m.find()).as("chart %s drawn", id).isTrue();
      assertThat(m.group(1)).as("chart %s has a non-empty line", id).containsPattern("<path class=\"series\" d=\"M[0-9.]+ [0-9.]+ L");
    }
    assertThat(dom).contains("id=\"alert-workers\"").contains("id=\"alert-saturation\"").contains("class=\"marker\"");
    assertThat(dom).contains("id=\"table-cells\"").contains("id=\"table-comparison-0\"").contains("id=\"table-recommendations\"").contains("id=\"table-aliases\"");
  }

  @Test
  void consoleErrorsOfAPageAreDetected() throws Exception {
    Path bad = tmp.resolve("bad.html");
    Files.writeString(bad, "<!DOCTYPE html><html><body><script>undefinedFunction();</script></body></html>");
    Chromium.Result r = Chromium.run(tmp.resolve("profile-bad"), bad, "--dump-dom");
    assertThat(r.consoleLines()).anyMatch(l -> l.contains("Uncaught ReferenceError"));
  }

  @Test
  void screenshotIsNotBlankAndShowsTheCharts() throws Exception {
    Path png = tmp.resolve("shot.png");
    Chromium.Result r = Chromium.run(tmp.resolve("profile-shot"), report, "--screenshot=" + png, "--hide-scrollbars");
    assertThat(r.exit()).as(r.stderr()).isZero();
    BufferedImage img = ImageIO.read(png.toFile());
    assertThat(img).isNotNull();
    Set<Integer> colors = new HashSet<>();
    long nonWhite = 0, seriesBlue = 0;
    for (int y = 0; y < img.getHeight(); y += 2) {
      for (int x = 0; x < img.getWidth(); x += 2) {
        int rgb = img.getRGB(x, y) & 0xFFFFFF;
        colors.add(rgb);
        if (rgb != 0xFFFFFF) nonWhite++;
        int red = rgb >> 16 & 0xFF, green = rgb >> 8 & 0xFF, blue = rgb & 0xFF;
        if (Math.abs(red - 0x1f) < 24 && Math.abs(green - 0x77) < 24 && Math.abs(blue - 0xb4) < 24) seriesBlue++;
      }
    }
    assertThat(colors.size()).as("distinct colours").isGreaterThan(50);
    assertThat(nonWhite).as("non-white pixels").isGreaterThan(10_000);
    assertThat(seriesBlue).as("pixels of the first series colour").isGreaterThan(100);
  }
}
