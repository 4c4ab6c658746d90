package io.barrage.coordinator.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrage.coordinator.report.model.CellSummary;
import io.barrage.coordinator.report.model.ServerSummary;
import io.barrage.coordinator.report.model.Summary;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GPU figures that lack a node's exporter say so: in summary.json (read back) and in the report. */
class PartialGpuFiguresTest {
  @TempDir Path dir;

  private static ServerSummary partial() {
    ServerSummary s = GoodputAndServerColumnsTest.server(800, 800, null, true);
    return new ServerSummary(s.stack(), s.series(), s.tokensGenerated(), s.tokenCheck(), s.energy(), List.of(
        new ServerSummary.Endpoint("dcgm", "http://10.0.0.7:9400/metrics", 12, 0, List.of(), null, "gpu-a", 1, "pod-labels"),
        new ServerSummary.Endpoint("dcgm", "http://10.0.1.8:9400/metrics", 0, 12, List.of("connect: Connection refused"), null, "gpu-b",
            null, null)),
        Map.of(), new ServerSummary.Gpus(2, 1, true, List.of("gpu-b")));
  }

  @Test
  void theSummaryKeepsTheMissingExporterAndTheReportMarksThePowerPartialAndNamesTheNode() throws Exception {
    Summary s = GoodputAndServerColumnsTest.with((i, c) -> GoodputAndServerColumnsTest.cell(c, null, i == 0 ? partial() : null));
    ResultWriter.write(ResultWriterTest.run(), dir);
    ResultSet read = ResultSet.read(dir);
    ResultSet rs = new ResultSet(s, read.timeline(), read.distributions());
    CellSummary back = Json.MAPPER.readValue(Json.MAPPER.writeValueAsString(s), Summary.class).targets().get(0).cells().get(0);
    assertThat(back.server().gpus()).isEqualTo(new ServerSummary.Gpus(2, 1, true, List.of("gpu-b")));
    assertThat(back.server().endpoints().get(0).gpuSelection()).isEqualTo("pod-labels");

    String html = HtmlReport.render(rs);
    String table = html.substring(html.indexOf("id=\"table-server\""), html.indexOf("</table>", html.indexOf("id=\"table-server\"")));
    assertThat(table).contains("partial: gpu-b missing");
    String problems = html.substring(html.indexOf("id=\"table-server-problems\""));
    assertThat(problems).contains("node gpu-b: http://10.0.1.8:9400/metrics").contains("connect: Connection refused");
  }
}
