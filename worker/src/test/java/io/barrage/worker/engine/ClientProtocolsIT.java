package io.barrage.worker.engine;

import static io.barrage.worker.engine.EngineFixture.*;
import static io.barrage.worker.engine.ScriptedServer.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.barrage.protocol.metrics.Metric;
import io.barrage.protocol.results.CellAggregate;
import io.barrage.protocol.scenario.ApiKind;
import io.barrage.protocol.scenario.Auth;
import io.barrage.protocol.scenario.FastapiOptions;
import io.barrage.worker.client.AuthHeader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every api kind against a loopback server that speaks the exact bytes of docs/protocols.md. */
class ClientProtocolsIT extends ScriptedEngineFixture {

  @Test
  void tgiStreamTimesEveryTokenEventAndTakesTheServerCount() throws Exception {
    server.routes.put("/generate_stream", r -> sse(tgiStream(5), Duration.ofMillis(20)));
    int before = server.ids.size();
    CellAggregate a = run(engine, closed(target("tgi", ApiKind.TGI_STREAM, server.baseUrl()), requests(3), 1));
    assertThat(a.ok()).isEqualTo(3);
    assertThat(a.errorCount()).isZero();
    assertThat(a.outputTokens()).isEqualTo(15);
    assertThat(a.tokenMismatches()).isZero();
    assertThat(a.histogram(Metric.ITL).getTotalCount()).isEqualTo(12);
    // lower bounds only: the server spaces events 20 ms apart, a starved client may read two at once
    assertThat(a.histogram(Metric.ITL).getMaxValue()).as("events are 20 ms apart at the server").isGreaterThan(15_000);
    assertThat(a.histogram(Metric.TPOT).getTotalCount()).isEqualTo(3);
    assertThat(a.histogram(Metric.E2E).getMinValue()).isGreaterThan(60_000);
    List<String> ids = List.copyOf(server.ids).subList(before, server.ids.size());
    assertThat(new HashSet<>(ids)).hasSize(3);
  }

  @Test
  void openAiChatStreamSkipsRoleOnlyKeepAliveFinishUsageAndDoneAndSplitsMultiTokenChunks() throws Exception {
    List<String> chunks = List.of(
        "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n",
        ":\n\n",
        "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"},\"finish_reason\":null}],\"usage\":null}\n\n",
        "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"b c d\"},\"finish_reason\":null}],\"usage\":null}\n\n",
        "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"length\"}],\"usage\":null}\n\n",
        "data: {\"id\":\"c\",\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4,\"total_tokens\":7}}\n\n",
        "data: [DONE]\n\n");
    server.routes.put("/v1/chat/completions", r -> sse(chunks, Duration.ofMillis(40)));
    CellAggregate a = run(engine, closed(target("chat", ApiKind.OPENAI_CHAT, server.baseUrl() + "/v1"), requests(2), 1));
    assertThat(a.ok()).isEqualTo(2);
    assertThat(a.histogram(Metric.TTFT).getMinValue()).as("role-only chunk and keep-alive are not the first token").isGreaterThan(100_000);
    assertThat(a.histogram(Metric.E2E).getMaxValue()).as("the last token is the content chunk, not finish/usage/[DONE]")
        .isLessThan(a.histogram(Metric.E2E_END).getMaxValue());
    assertThat(a.outputTokens()).isEqualTo(8);
    assertThat(a.clientTokens()).isEqualTo(4);
    assertThat(a.tokenMismatches()).isEqualTo(2);
    assertThat(a.histogram(Metric.ITL).getTotalCount()).as("one sample per token after the first").isEqualTo(6);
    assertThat(server.bodies).anySatisfy(b -> assertThat(b).contains("\"stream_options\":{\"include_usage\":true}")
        .contains("\"messages\":[{\"role\":\"user\",\"content\":\"hello there\"}]").contains("\"max_tokens\":8"));
  }

  @Test
  void openAiCompletionsStreamWithTgiFraming() throws Exception {
    List<String> chunks = List.of(
        "data:{\"object\":\"text_completion\",\"id\":\"\",\"created\":1,\"choices\":[{\"index\":0,\"text\":\" Deep\",\"logprobs\":null,\"finish_reason\":\"\"}],\"model\":\"m\",\"system_fingerprint\":\"x\"}\n\n",
        "data:{\"object\":\"text_completion\",\"id\":\"\",\"created\":1,\"model\":\"m\",\"system_fingerprint\":\"x\",\"choices\":[{\"index\":0,\"text\":\" learning\",\"logprobs\":null,\"finish_reason\":\"length\"}],\"usage\":{\"prompt_tokens\":2,\"completion_tokens\":2,\"total_tokens\":4}}\n\n",
        "data:[DONE]\n\n");
    server.routes.put("/v1/completions", r -> sse(chunks, Duration.ZERO));
    CellAggregate a = run(engine, closed(target("cmp", ApiKind.OPENAI_COMPLETIONS, server.baseUrl()), requests(2), 1));
    assertThat(a.ok()).isEqualTo(2);
    assertThat(a.outputTokens()).isEqualTo(4);
    assertThat(a.tokenMismatches()).isZero();
  }

  @Test
  void tgiGenerateReadsTheServersTimingHeaders() throws Exception {
    server.routes.put("/generate", r -> json(200,
        "{\"generated_text\":\" a b c\",\"details\":{\"finish_reason\":\"length\",\"generated_tokens\":3,\"seed\":null,\"prefill\":[],"
            + "\"tokens\":[{\"id\":1,\"text\":\" a\",\"logprob\":-1,\"special\":false},{\"id\":2,\"text\":\" b\",\"logprob\":-1,\"special\":false},"
            + "{\"id\":3,\"text\":\" c\",\"logprob\":-1,\"special\":false}]}}")
        .addHeader(RawHeader.create("x-time-per-token", "12")).addHeader(RawHeader.create("x-queue-time", "5")));
    CellAggregate a = run(engine, closed(target("tgi", ApiKind.TGI, server.baseUrl()), requests(2), 1));
    assertThat(a.ok()).isEqualTo(2);
    assertThat(a.outputTokens()).isEqualTo(6);
    assertThat(a.histogram(Metric.SERVER_TPOT).getMaxValue()).isBetween(11_990L, 12_010L);
    assertThat(a.histogram(Metric.QUEUE).getMaxValue()).isBetween(4_990L, 5_010L);
    assertThat(a.histogram(Metric.NTPOT).getTotalCount()).isEqualTo(2);
    assertThat(a.histogram(Metric.ITL).getTotalCount()).isZero();
  }

  @Test
  void openAiChatWithoutStreamingReadsUsage() throws Exception {
    server.routes.put("/v1/chat/completions", r -> json(200,
        "{\"object\":\"chat.completion\",\"id\":\"\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Deep learning is\"},"
            + "\"logprobs\":null,\"finish_reason\":\"length\"}],\"usage\":{\"prompt_tokens\":26,\"completion_tokens\":20,\"total_tokens\":46}}"));
    CellAggregate a = run(engine, closed(target("chat", ApiKind.OPENAI_CHAT, server.baseUrl(), null, null, false), requests(1), 1));
    assertThat(a.ok()).isEqualTo(1);
    assertThat(a.outputTokens()).isEqualTo(20);
    assertThat(server.bodies).anySatisfy(b -> assertThat(b).contains("\"stream\":false").doesNotContain("stream_options"));
  }

  @Test
  void fastapiFillsTheTemplateAndReadsTheConfiguredPaths() throws Exception {
    server.routes.put("/infer", r -> json(200, "{\"out\":{\"text\":\"one two three\",\"n\":7}}"));
    FastapiOptions o = new FastapiOptions("{\"q\":\"say: {{prompt}}\",\"limit\":\"{{maxNewTokens}}\"}", "/out/text", "/out/n");
    CellAggregate a = run(engine, closed(target("fa", ApiKind.FASTAPI, server.baseUrl() + "/infer", null, o, null), requests(2), 1));
    assertThat(a.ok()).isEqualTo(2);
    assertThat(a.outputTokens()).isEqualTo(14);
    assertThat(server.bodies).contains("{\"q\":\"say: hello there\",\"limit\":8}");
  }

  @Test
  void fastapiWithoutATokenCountFallsBackToTheClientsWordCount() throws Exception {
    server.routes.put("/plain", r -> json(200, "{\"generated_text\":\"one two three\"}"));
    CellAggregate a = run(engine, closed(target("fa", ApiKind.FASTAPI, server.baseUrl() + "/plain"), requests(1), 1));
    assertThat(a.ok()).isEqualTo(1);
    assertThat(a.outputTokens()).isEqualTo(3);
  }

  @Test
  void authHeaderComesFromAFileAndIsNeverPrinted(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("token"), "s3cret\n");
    Auth auth = new Auth(null, null, null, "token");
    server.routes.put("/generate_stream", r -> sse(tgiStream(2), Duration.ZERO));
    CellAggregate a = run(engine, closed(target("tgi", ApiKind.TGI_STREAM, server.baseUrl(), auth, null, null), requests(1), 1, dir));
    assertThat(a.ok()).isEqualTo(1);
    assertThat(server.authHeaders).contains("Bearer s3cret");
    assertThat(AuthHeader.resolve(auth, dir, java.net.URI.create(server.baseUrl()), io.barrage.protocol.scenario.TargetSecrets.parse(null)).orElseThrow().toString()).doesNotContain("s3cret");
  }
}
