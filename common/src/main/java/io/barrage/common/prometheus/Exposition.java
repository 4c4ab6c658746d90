package io.barrage.common.prometheus;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A parsed text exposition: its metric families in the order they appeared. */
public record Exposition(List<MetricFamily> families) {
  public Exposition {
    families = List.copyOf(families);
  }

  /** The family of this name (a histogram's or summary's base name, without suffix). */
  public Optional<MetricFamily> family(String name) {
    return families.stream().filter(f -> f.name().equals(name)).findFirst();
  }

  /** Every sample whose own name is {@code sampleName} (e.g. {@code x_bucket}), in order. */
  public List<Sample> samples(String sampleName) {
    List<Sample> out = new ArrayList<>();
    for (MetricFamily f : families) {
      for (Sample s : f.samples()) {
        if (s.name().equals(sampleName)) out.add(s);
      }
    }
    return out;
  }

  /** Every sample of every family, in order. */
  public List<Sample> samples() {
    List<Sample> out = new ArrayList<>();
    families.forEach(f -> out.addAll(f.samples()));
    return out;
  }
}
