package io.barrage.worker.engine;

import static io.barrage.worker.engine.EngineFixture.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.barrage.protocol.results.CellAggregate;
import io.barrage.protocol.scenario.ApiKind;
import io.barrage.simulator.Profile;
import io.barrage.simulator.Profiles;
import io.barrage.simulator.SimulatorConfig;
import io.barrage.simulator.SimulatorServer;
import org.apache.pekko.actor.ActorSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Against a simulator that reports three tokens more than it sends: every client that counts tokens
 * itself flags every request, and a client that cannot count reports no count at all rather than a
 * copy of the server's (which would hide the lie).
 */
class TokenCountsIT {
  static final int REQUESTS = 4, SENT = 8, LIE = 3;
  static ActorSystem system;
  static LoadEngine engine;

  @BeforeAll
  static void up() {
    system = ActorSystem.create("token-counts-it");
    engine = new LoadEngine(system, EngineSettings.defaults());
  }

  @AfterAll
  static void down() {
    system.terminate();
  }

  @ParameterizedTest(name = "{0} stream={1}")
  @CsvSource({
    "TGI_STREAM, true, true",
    "TGI, false, true", // details.tokens lists what was sent
    "OPENAI_CHAT, true, true", // content chunks
    "OPENAI_COMPLETIONS, true, true",
    "OPENAI_CHAT, false, false", // one message text: nothing to count
    "FASTAPI, false, false"
  })
  void aServerThatOvercountsIsFlaggedWhereverTheClientCanCount(ApiKind api, boolean stream, boolean clientCounts) throws Exception {
    String profile = api == ApiKind.FASTAPI ? Profiles.FASTAPI_FAST : Profiles.TGI_FAST;
    Profile p = Profiles.get(profile);
    p = p.withFaults(p.faults().withCountOffset(LIE));
    try (SimulatorServer s = SimulatorServer.start(SimulatorConfig.loopback(p))) {
      String url = api == ApiKind.FASTAPI ? s.baseUrl() + "/generate" : s.baseUrl();
      CellAggregate a = run(engine, closed(target("lie", api, url, null, null, stream), requests(REQUESTS), 2));
      assertThat(a.ok()).isEqualTo(REQUESTS);
      assertThat(a.errorCount()).isZero();
      assertThat(s.stats().tokensEmitted()).as("what the simulator really sent").isEqualTo((long) REQUESTS * SENT);
      assertThat(a.outputTokens()).as("N is the server's count").isEqualTo((long) REQUESTS * (SENT + LIE));
      if (clientCounts) {
        assertThat(a.clientCountedRequests()).isEqualTo(REQUESTS);
        assertThat(a.clientTokens()).isEqualTo((long) REQUESTS * SENT);
        assertThat(a.tokenMismatches()).as("every request flagged").isEqualTo(REQUESTS);
      } else {
        assertThat(a.clientCountedRequests()).as("no count rather than a copy").isZero();
        assertThat(a.clientTokens()).isZero();
        assertThat(a.tokenMismatches()).isZero();
      }
    }
  }
}
