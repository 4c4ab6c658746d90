package io.barrage.protocol.scenario;

/** Head-to-head: {@code candidate} defaults to every other target. */
public record ComparisonSpec(String baseline, String candidate) {}
