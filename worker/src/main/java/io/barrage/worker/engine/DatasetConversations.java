package io.barrage.worker.engine;

import io.barrage.protocol.scenario.PromptSpec;
import io.barrage.protocol.scenario.ShareGptFile;
import io.barrage.worker.engine.PromptSource.Prompt;
import io.barrage.worker.prompt.Datasets;
import io.barrage.worker.prompt.TokenCounter;
import java.util.ArrayList;
import java.util.List;

/**
 * A ShareGPT dataset's conversations as the turns of multi-turn sessions: each turn is a prompt (the
 * human message, its length counted) whose output length is the length of the gpt reply the dataset
 * recorded for it. The dataset's replies are used for nothing else: a session sends the target's own
 * replies as its history (docs/scenario.md "Multi-turn sessions").
 *
 * <p>The length filter applies to every turn, as it applies to a single prompt: a conversation is
 * cut before its first turn outside the filter, and one whose first turn is outside is left out.
 * Conversations keep the file's order, so their first turns are exactly the prompts a request
 * without a session picks from ({@link #firstTurns}) and a session's conversation is the entry its
 * first request's key would pick.
 */
final class DatasetConversations {
  private final List<List<Prompt>> conversations;
  private final int longest;

  private DatasetConversations(List<List<Prompt>> conversations) {
    this.conversations = conversations;
    int max = 0;
    for (List<Prompt> c : conversations) max = Math.max(max, c.size());
    this.longest = max;
  }

  /**
   * The conversations of {@code read} inside {@code filter}.
   *
   * @throws IllegalArgumentException when none has a turn, or none has one inside the filter
   */
  static DatasetConversations of(List<ShareGptFile.Conversation> read, PromptSpec.LengthFilter filter, TokenCounter counter, String name) {
    int specials = PromptSource.specials(counter);
    List<List<Prompt>> out = new ArrayList<>(read.size());
    int withTurns = 0;
    for (ShareGptFile.Conversation c : read) {
      if (c.turns().isEmpty()) continue;
      withTurns++;
      List<Prompt> turns = new ArrayList<>(c.turns().size());
      for (ShareGptFile.Turn t : c.turns()) {
        Prompt p = PromptSource.measured(t.human(), t.gpt(), null, counter, specials);
        if (!PromptSource.inside(p, filter, counter)) break;
        turns.add(p);
      }
      if (!turns.isEmpty()) out.add(List.copyOf(turns));
    }
    if (withTurns == 0) throw Datasets.noTurn(name, read.size());
    if (out.isEmpty()) throw PromptSource.noneInside(name, withTurns + " entries", filter, counter);
    return new DatasetConversations(List.copyOf(out));
  }

  /** Each conversation's first turn, in file order: the prompts of requests outside sessions. */
  List<Prompt> firstTurns() {
    List<Prompt> out = new ArrayList<>(conversations.size());
    for (List<Prompt> c : conversations) out.add(c.get(0));
    return List.copyOf(out);
  }

  /** The conversation for a session whose first request has {@code key}, its first {@code maxTurns} turns at most. */
  List<Prompt> pick(long key, int maxTurns) {
    List<Prompt> c = conversations.get((int) Math.floorMod(key, (long) conversations.size()));
    return c.size() <= maxTurns ? c : c.subList(0, maxTurns);
  }

  /** The most turns a conversation has. */
  int longest() {
    return longest;
  }

  int size() {
    return conversations.size();
  }
}
