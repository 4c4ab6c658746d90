package io.barrage.simulator.engine;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The simulated server's prefix cache, as vLLM's automatic prefix caching and TGI v3's prefix cache
 * keep it: the KV of whole prompt blocks stays after a request, found again by a hash of the block
 * and everything before it, so a prompt that starts with an earlier prompt's blocks prefills only
 * the rest. A block is {@link #BLOCK_CHARS} characters of prompt text ({@link #BLOCK_TOKENS} tokens at
 * the simulator's four characters per token). At most {@code capacityBlocks} blocks are kept; the
 * least recently used goes first. At least the prompt's last token is always computed (a fully
 * cached prompt still needs its last position's logits).
 *
 * <p>A prompt is looked up and its blocks inserted when the request is accepted (not when its
 * prefill runs): two identical prompts that arrive together both count the second as cached. Thread
 * safe (one lock; the work is one pass over the prompt).
 */
public final class PrefixCache {
  public static final int BLOCK_TOKENS = 16;
  public static final int BLOCK_CHARS = BLOCK_TOKENS * 4;

  private final int capacityBlocks;
  private final LinkedHashMap<Long, Boolean> blocks;

  public PrefixCache(int capacityBlocks) {
    this.capacityBlocks = Math.max(0, capacityBlocks);
    this.blocks = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
        return size() > PrefixCache.this.capacityBlocks;
      }
    };
  }

  /** A cache as large as a profile's KV budget of {@code kvTokens} tokens. */
  public static PrefixCache forKvBudget(long kvTokens) {
    return new PrefixCache((int) Math.min(Integer.MAX_VALUE, kvTokens / BLOCK_TOKENS));
  }

  /** A cache that keeps nothing (a server without prefix caching). */
  public static PrefixCache none() {
    return new PrefixCache(0);
  }

  public int capacityBlocks() {
    return capacityBlocks;
  }

  /**
   * The prompt tokens of {@code text} found in the cache (whole blocks from its start, at most
   * {@code inputTokens − 1}); then every whole block of {@code text} is in the cache, most recent.
   */
  public int admit(String text, int inputTokens) {
    if (capacityBlocks == 0 || text == null) return 0;
    int whole = text.length() / BLOCK_CHARS;
    long[] keys = new long[whole];
    long h = 0x9E3779B97F4A7C15L;
    for (int b = 0; b < whole; b++) {
      for (int i = b * BLOCK_CHARS, end = i + BLOCK_CHARS; i < end; i++) h = (h ^ text.charAt(i)) * 0x100000001B3L;
      keys[b] = mix(h);
    }
    int hit = 0;
    synchronized (blocks) {
      while (hit < whole && blocks.get(keys[hit]) != null) hit++;
      for (int b = 0; b < whole; b++) blocks.put(keys[b], Boolean.TRUE);
    }
    return (int) Math.max(0, Math.min((long) hit * BLOCK_TOKENS, inputTokens - 1L));
  }

  /** Blocks held now. */
  public int size() {
    synchronized (blocks) {
      return blocks.size();
    }
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
