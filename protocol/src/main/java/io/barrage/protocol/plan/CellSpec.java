package io.barrage.protocol.plan;

/**
 * One measured cell: target × maxNewTokens × load level (× repeat). {@code id} is stable and
 * file-name safe, e.g. {@code tgi-2xa4000/m128/c300} (with {@code /rep2} when repeated).
 */
public record CellSpec(int index, String id, String target, int maxNewTokens, Load load, int repeat) {

  /** The id with '/' replaced, for file names. */
  public String fileId() {
    return id.replace('/', '_');
  }
}
