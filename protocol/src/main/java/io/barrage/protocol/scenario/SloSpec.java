package io.barrage.protocol.scenario;

import java.time.Duration;

/** Service-level objectives checked per cell; a miss fails the run only when {@code failOn.slo}. */
public record SloSpec(Duration ttftP99, Duration tpotP99, Duration e2eP99, Double maxErrorRate) {}
