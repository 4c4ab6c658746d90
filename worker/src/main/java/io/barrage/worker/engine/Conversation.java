package io.barrage.worker.engine;

import io.barrage.protocol.scenario.SessionSpec;
import io.barrage.worker.client.ChatMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The conversation one virtual user is holding (multi-turn sessions): the optional shared system
 * prompt, then each earlier user message followed by the assistant's reply as the target sent it.
 * Turn k's request carries all of that plus the new user message, so its prompt starts with turn
 * k−1's prompt and reply (what a server's prefix cache can reuse). The user messages come from the
 * workload's prompts one by one, or from one dataset conversation a session plays turn by turn (its
 * {@link #script()}). Owned by one virtual user, which runs one request at a time: not shared
 * between threads at once.
 */
final class Conversation {
  private final SessionSpec spec;
  private final SplittableRandom think;
  /** Turns of the session in progress: the scenario's, or fewer (a shorter dataset conversation, the end of the quota). */
  private int turns;
  /** The dataset conversation the session plays (its user messages and output lengths), or null. */
  private List<PromptSource.Prompt> script;
  private final List<ChatMessage> history = new ArrayList<>();
  private String pendingUser;
  private int turn;
  private long startNanos;
  private boolean measured;

  Conversation(SessionSpec spec, long thinkSeed) {
    this.spec = spec;
    this.think = new SplittableRandom(thinkSeed);
  }

  /** No session in progress: the next request starts one. */
  boolean idle() {
    return turn == 0;
  }

  /**
   * Starts a session of {@code turns} turns whose first turn is due at {@code tSched}.
   *
   * @param script the dataset conversation it plays (at least {@code turns} turns), or null when each
   *     turn takes a new prompt from the workload's source
   */
  void begin(long tSched, boolean measured, int turns, List<PromptSource.Prompt> script) {
    this.turns = turns;
    this.script = script;
    history.clear();
    if (spec.systemPrompt() != null) history.add(new ChatMessage("system", spec.systemPrompt()));
    this.turn = 1;
    this.startNanos = tSched;
    this.measured = measured;
  }

  /** The messages of the current turn: the history and {@code userText}. */
  List<ChatMessage> messages(String userText) {
    pendingUser = userText;
    List<ChatMessage> out = new ArrayList<>(history.size() + 1);
    out.addAll(history);
    out.add(new ChatMessage("user", userText));
    return out;
  }

  /** The current turn succeeded with {@code reply}; returns true when that was the session's last turn. */
  boolean answered(String reply) {
    history.add(new ChatMessage("user", pendingUser));
    history.add(new ChatMessage("assistant", reply));
    turn++;
    return turn > turns;
  }

  /** Ends the session (completed, failed or cut). */
  void reset() {
    turn = 0;
    history.clear();
    pendingUser = null;
    script = null;
  }

  /** The turn now being sent (1-based). */
  int turn() {
    return turn;
  }

  /** Turns of the session in progress. */
  int turns() {
    return turns;
  }

  /** The most turns a session has: the scenario's {@code session.turns}. */
  int maxTurns() {
    return spec.turns();
  }

  /** The dataset conversation the session in progress plays, or null. */
  List<PromptSource.Prompt> script() {
    return script;
  }

  long startNanos() {
    return startNanos;
  }

  boolean measured() {
    return measured;
  }

  /** The think time before the next turn: fixed, or uniform in [thinkTime, thinkTimeMax]. */
  long thinkNanos() {
    long min = spec.thinkTimeOrZero().toNanos();
    if (spec.thinkTimeMax() == null) return min;
    long max = spec.thinkTimeMax().toNanos();
    return max <= min ? min : min + (long) (think.nextDouble() * (max - min));
  }
}
