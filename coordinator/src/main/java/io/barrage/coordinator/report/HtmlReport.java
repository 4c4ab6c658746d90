package io.barrage.coordinator.report;

/** Placeholder until the report lands. */
final class HtmlReport {
  private HtmlReport() {}

  static String render(ResultSet r) {
    return "<!doctype html><title>barrage</title>";
  }
}
