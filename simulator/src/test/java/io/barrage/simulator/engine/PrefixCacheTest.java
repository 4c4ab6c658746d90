package io.barrage.simulator.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The simulated prefix cache: whole blocks from the start of a prompt, bounded, least recently used out first. */
class PrefixCacheTest {
  static String text(char c, int blocks) {
    return String.valueOf(c).repeat(PrefixCache.BLOCK_CHARS * blocks);
  }

  @Test
  void aPromptThatExtendsAnEarlierOneFindsItsWholeBlocks() {
    PrefixCache cache = new PrefixCache(100);
    String turn1 = text('a', 3) + "tail";
    assertThat(cache.admit(turn1, 50)).as("cold").isZero();
    // the next turn starts with the whole first prompt: its 3 whole blocks are cached, the partial one is not
    assertThat(cache.admit(turn1 + text('b', 2), 200)).isEqualTo(3 * PrefixCache.BLOCK_TOKENS);
    // a prompt that differs in its first block shares nothing, even when its later blocks are equal
    assertThat(cache.admit("x" + turn1.substring(1) + text('b', 2), 200)).isZero();
  }

  @Test
  void theLastPromptTokenIsAlwaysComputed() {
    PrefixCache cache = new PrefixCache(100);
    String p = text('a', 2);
    cache.admit(p, 32);
    assertThat(cache.admit(p, 32)).isEqualTo(31);
  }

  @Test
  void theLeastRecentlyUsedBlocksGoWhenItIsFull() {
    PrefixCache cache = new PrefixCache(4);
    String a = text('a', 2), b = text('b', 2), c = text('c', 2);
    cache.admit(a, 100);
    cache.admit(b, 100);
    cache.admit(a, 100); // a is now the most recent
    cache.admit(c, 100); // evicts b's blocks
    assertThat(cache.size()).isEqualTo(4);
    assertThat(cache.admit(a, 100)).isEqualTo(2 * PrefixCache.BLOCK_TOKENS);
    assertThat(cache.admit(b, 100)).isZero();
  }

  @Test
  void aServerWithoutACacheComputesEverything() {
    PrefixCache none = PrefixCache.none();
    none.admit(text('a', 4), 100);
    assertThat(none.admit(text('a', 4), 100)).isZero();
  }

  @Test
  void prefillCostsOnlyTheUncachedTokens() {
    GenRequest cold = new GenRequest(1000, 1, 1, false, 1, GenRequest.RequestFaults.NONE);
    GenRequest warm = cold.withCachedTokens(960);
    assertThat(new Batcher.Entry(cold, null, 0).uncachedPromptTokens()).isEqualTo(1000);
    assertThat(new Batcher.Entry(warm, null, 0).uncachedPromptTokens()).isEqualTo(40);
  }
}
