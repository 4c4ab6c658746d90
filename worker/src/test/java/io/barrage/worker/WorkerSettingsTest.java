package io.barrage.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.barrage.worker.engine.EngineSettings;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class WorkerSettingsTest {

  @Test
  void theReferenceConfGivesTheDocumentedDefaults() {
    WorkerSettings s = WorkerSettings.fromConfig(ConfigFactory.load());
    EngineSettings d = EngineSettings.defaults();
    assertThat(s.engine().maxSseLineBytes()).isEqualTo(d.maxSseLineBytes()).isEqualTo(1 << 20);
    assertThat(s.engine().maxBodyBytes()).isEqualTo(d.maxBodyBytes());
    assertThat(s.engine().connectingTimeout()).isEqualTo(d.connectingTimeout());
    assertThat(s.engine().openLoopMaxConnections()).isEqualTo(d.openLoopMaxConnections());
    assertThat(s.engine().ioThreads()).isEqualTo(d.ioThreads());
    assertThat(s.engine().timeoutTick()).isEqualTo(d.timeoutTick());
    assertThat(s.engine().ioRealtime()).isFalse();
    assertThat(s.coordinatorLostAfter()).isEqualTo(Duration.ofSeconds(2));
    assertThat(s.warmUp()).isTrue();
  }

  @Test
  void anUnknownWorkerSettingIsRefusedByName() {
    var typo = ConfigFactory.parseString("barrage.worker.engine.max-sse-lines = 2 MiB").withFallback(ConfigFactory.load());
    assertThatThrownBy(() -> WorkerSettings.fromConfig(typo))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("barrage.worker.engine.max-sse-lines");
  }

  @Test
  void theSendLagBudgetIsTheCoordinatorsSettingNotTheWorkers() {
    // one setting, one meaning: saturation is judged where summary.json is written
    var old = ConfigFactory.parseString("barrage.worker.engine.send-lag-budget = 1ms").withFallback(ConfigFactory.load());
    assertThatThrownBy(() -> WorkerSettings.fromConfig(old)).hasMessageContaining("barrage.worker.engine.send-lag-budget");
  }
}
