package io.barrage.protocol.scenario;

/** Which of the run's own gates turn into exit code 1. */
public record FailOn(Boolean slo, Boolean saturation, Boolean errors) {}
