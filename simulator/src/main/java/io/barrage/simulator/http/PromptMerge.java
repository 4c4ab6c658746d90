package io.barrage.simulator.http;

import io.barrage.simulator.ErrorKind;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * Writes the event streams of one {@code /v1/completions} request with several prompts onto its one
 * SSE response the way TGI merges them (docs/protocols.md §7): strict round-robin by prompt index, the
 * merge waiting on each prompt's next event in turn and dropping a prompt from the rotation once
 * its stream has ended. When every prompt's stream has ended, {@code onDone} gets the kind of the
 * first error (null if none). Events may come from any thread.
 */
final class PromptMerge {
  private record Event(byte[] bytes, boolean token) {}

  private final Exchange.Stream out;
  private final LongConsumer onTokenWritten;
  private final Consumer<ErrorKind> onDone;
  private final List<ArrayDeque<Event>> queues = new ArrayList<>();
  private final boolean[] ended;
  private final List<Integer> rotation = new ArrayList<>();
  private int position;
  private ErrorKind firstError;
  private boolean done;

  PromptMerge(Exchange.Stream out, int prompts, LongConsumer onTokenWritten, Consumer<ErrorKind> onDone) {
    this.out = out;
    this.onTokenWritten = onTokenWritten;
    this.onDone = onDone;
    this.ended = new boolean[prompts];
    for (int i = 0; i < prompts; i++) {
      queues.add(new ArrayDeque<>());
      rotation.add(i);
    }
  }

  /** A token event of prompt {@code prompt}. */
  synchronized void token(int prompt, byte[] event) {
    queues.get(prompt).add(new Event(event, true));
    pump();
  }

  /** Prompt {@code prompt}'s stream ended normally (its last token event came before). */
  synchronized void end(int prompt) {
    ended[prompt] = true;
    pump();
  }

  /** Prompt {@code prompt}'s stream ends with this error event. */
  synchronized void fail(int prompt, byte[] event, ErrorKind kind) {
    if (firstError == null) firstError = kind;
    queues.get(prompt).add(new Event(event, false));
    ended[prompt] = true;
    pump();
  }

  /** The response is gone (client left, connection dropped): write nothing more. */
  synchronized void abandon() {
    done = true;
  }

  private void pump() {
    while (!done && !rotation.isEmpty()) {
      int prompt = rotation.get(position);
      Event e = queues.get(prompt).poll();
      if (e != null) {
        out.send(e.bytes(), e.token() ? onTokenWritten : null);
        position = (position + 1) % rotation.size();
      } else if (ended[prompt]) {
        rotation.remove(position);
        if (position >= rotation.size()) position = 0;
      } else {
        return;
      }
    }
    if (!done) {
      done = true;
      onDone.accept(firstError);
    }
  }
}
