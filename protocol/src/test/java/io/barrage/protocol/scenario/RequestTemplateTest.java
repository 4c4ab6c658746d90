package io.barrage.protocol.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RequestTemplateTest {
  static final String SCENARIO = """
      name: t
      targets:
        - name: fa
          api: fastapi
          url: http://127.0.0.1:8081/generate
          fastapi:
            requestTemplate: 'TEMPLATE'
      workload:
        prompt: {text: "hello"}
        maxNewTokens: [16]
        load: {concurrency: [1]}
        step: {requests: 1}
      """;

  @Test
  void placeholdersInsideStringsRenderToValidJsonWithNumbersWhereAStringIsOnlyTheNumber() throws Exception {
    RequestTemplate t = RequestTemplate.parse("{\"q\":\"say: {{prompt}}\",\"n\":\"{{maxNewTokens}}\",\"s\":\"{{seed}}\",\"k\":[\"{{maxNewTokens}} max\"]}");
    JsonNode body = new ObjectMapper().readTree(t.render("a \"quoted\"\nprompt", 64, 7));
    assertThat(body.get("q").asText()).isEqualTo("say: a \"quoted\"\nprompt");
    assertThat(body.get("n").isInt()).isTrue();
    assertThat(body.get("n").asInt()).isEqualTo(64);
    assertThat(body.get("s").asLong()).isEqualTo(7);
    assertThat(body.get("k").get(0).asText()).isEqualTo("64 max");
    assertThat(t.usesSeed()).isTrue();
  }

  @Test
  void theDefaultIsTgisBody() {
    String body = new String(RequestTemplate.parse(null).render("hi", 8, 1), StandardCharsets.UTF_8);
    assertThat(body).isEqualTo("{\"inputs\":\"hi\",\"parameters\":{\"max_new_tokens\":8,\"details\":true}}");
  }

  @Test
  void aBarePlaceholderIsNotJsonAndTheMessageSaysWhereAndHowToFixIt() {
    assertThatThrownBy(() -> RequestTemplate.parse("{\"inputs\": {{prompt}}}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not valid JSON")
        .hasMessageContaining("line 1, column")
        .hasMessageContaining("\"{{prompt}}\"");
  }

  @Test
  void anUnknownPlaceholderIsNamed() {
    assertThatThrownBy(() -> RequestTemplate.parse("{\"inputs\":\"{{input}}\"}"))
        .hasMessageContaining("unknown placeholder {{input}}");
  }

  @Test
  void validateReportsTheTemplatesYamlPathAndTheJsonError() {
    String yaml = SCENARIO.replace("TEMPLATE", "{\"inputs\": {{prompt}}, \"parameters\": {\"max_new_tokens\": {{maxNewTokens}}}}");
    InvalidScenarioException e = catchThrowableOfType(() -> ScenarioLoader.parse(yaml, null), InvalidScenarioException.class);
    assertThat(e).isNotNull();
    assertThat(e.problems()).filteredOn(p -> p.path().equals("targets[0].fastapi.requestTemplate"))
        .singleElement().satisfies(p -> assertThat(p.message()).contains("not valid JSON").contains("column"));
  }

  @Test
  void validateAcceptsAQuotedTemplateAndChecksThePointers() throws Exception {
    String good = SCENARIO.replace("TEMPLATE", "{\"inputs\": \"{{prompt}}\", \"parameters\": {\"max_new_tokens\": \"{{maxNewTokens}}\"}}");
    assertThat(ScenarioLoader.parse(good, null).targets()).hasSize(1);
    InvalidScenarioException e = catchThrowableOfType(() -> ScenarioLoader.parse(good.replace(
        "\nworkload:", "\n      textPath: generated_text\nworkload:"), null), InvalidScenarioException.class);
    assertThat(e).isNotNull();
    assertThat(e.problems()).extracting(ScenarioProblem::path).containsExactly("targets[0].fastapi.textPath");
  }
}
