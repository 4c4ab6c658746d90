package io.barrage.coordinator.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CoordinatorSettingsTest {

  @Test
  void theReferenceConfGivesTheDocumentedDefaults() {
    CoordinatorSettings s = CoordinatorSettings.fromConfig(ConfigFactory.load());
    assertThat(s.maxScenarioBytes()).isEqualTo(512 * 1024);
    assertThat(s.run().sendLagBudgetMs()).as("the one send-lag budget, the one summary.json reports").isEqualTo(50.0);
    assertThat(s.run().startAckTimeout()).isEqualTo(Duration.ofSeconds(15));
    assertThat(ConfigFactory.load().getDuration("pekko.http.server.idle-timeout")).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void anUnknownCoordinatorSettingIsRefusedByName() {
    var retired = ConfigFactory.parseString("barrage.coordinator.http.idle-timeout = 30s").withFallback(ConfigFactory.load());
    assertThatThrownBy(() -> CoordinatorSettings.fromConfig(retired))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("barrage.coordinator.http.idle-timeout");
  }
}
