package io.barrage.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** TGI's {@code --api-key} (docs/protocols.md §4): generation routes need the bearer token, open routes stay open. */
class ApiKeyTest {
  static final String KEY = "Sim-Key-42";
  static final String GENERATE = "{\"inputs\":\"hello\",\"parameters\":{\"max_new_tokens\":3}}";
  static final String CHAT = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":3}";
  static final String COMPLETIONS = "{\"prompt\":\"hi\",\"max_tokens\":3}";

  @Test
  void generationRoutesAnswer401WithAnEmptyBodyUnlessTheBearerTokenMatches() {
    try (SimulatorServer s = SimulatorServer.start(SimulatorConfig.loopback(Profiles.TGI_FAST).withApiKey(KEY))) {
      String url = s.baseUrl();
      String[][] routes = {{"/generate", GENERATE}, {"/generate_stream", GENERATE}, {"/", GENERATE},
          {"/v1/chat/completions", CHAT}, {"/v1/completions", COMPLETIONS}};
      for (String[] r : routes) {
        for (String[] bad : new String[][] {{}, {"Authorization", "Bearer wrong"}, {"Authorization", KEY},
            {"Authorization", "Basic " + KEY}, {"Authorization", "Bearer " + KEY + "x"}}) {
          HttpResponse<String> res = Http.post(url + r[0], r[1], bad);
          assertThat(res.statusCode()).as("%s with %s", r[0], String.join(": ", bad)).isEqualTo(401);
          assertThat(res.body()).isEmpty();
        }
        HttpResponse<String> ok = Http.post(url + r[0], r[1], "Authorization", "Bearer " + KEY);
        assertThat(ok.statusCode()).as(r[0]).isEqualTo(200);
        assertThat(ok.body()).isNotEmpty();
      }
      // compared case-insensitively, scheme and key alike, as TGI does
      assertThat(Http.post(url + "/generate", GENERATE, "Authorization", "BEARER " + KEY.toUpperCase(Locale.ROOT))
          .statusCode()).isEqualTo(200);
      // auth comes first: a bad body without the token is a 401, not a 400/415
      assertThat(Http.post(url + "/generate", "{not json").statusCode()).isEqualTo(401);
      // refused requests are not counted as received, as TGI's middleware answers before the handler
      assertThat(s.stats().requestsReceived()).isEqualTo(routes.length + 1);
    }
  }

  @Test
  void openRoutesNeedNoToken() {
    try (SimulatorServer s = SimulatorServer.start(SimulatorConfig.loopback(Profiles.TGI_FAST).withApiKey(KEY))) {
      for (String path : new String[] {"/health", "/ping", "/", "/info", "/metrics", "/v1/models"}) {
        assertThat(Http.get(s.baseUrl() + path).statusCode()).as(path).isEqualTo(200);
      }
    }
  }

  @Test
  void withoutAKeyNoTokenIsNeeded() {
    try (SimulatorServer s = SimulatorServer.start(SimulatorConfig.loopback(Profiles.TGI_FAST))) {
      assertThat(Http.post(s.baseUrl() + "/generate", GENERATE).statusCode()).isEqualTo(200);
      assertThat(Http.post(s.baseUrl() + "/generate", GENERATE, "Authorization", "Bearer anything").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void theConfigNeverShowsTheKey() {
    SimulatorConfig c = SimulatorConfig.loopback(Profiles.TGI_FAST).withApiKey(KEY);
    assertThat(c.toString()).doesNotContain(KEY).contains("<redacted>");
    assertThat(c.withSeed(3).apiKey()).isEqualTo(KEY);
  }
}
