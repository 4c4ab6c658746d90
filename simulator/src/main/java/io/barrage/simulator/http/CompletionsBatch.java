package io.barrage.simulator.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.barrage.simulator.ErrorKind;
import io.barrage.simulator.TruthLog;
import io.barrage.simulator.engine.Engine;
import io.barrage.simulator.engine.GenRequest;
import io.barrage.simulator.engine.Token;
import io.barrage.simulator.engine.TokenSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongConsumer;

/**
 * {@code /v1/completions} with 2-4 prompts, as TGI serves it (docs/protocols.md §7): one generation
 * per prompt, each validated, counted against {@code max_concurrent_requests} and scheduled on its
 * own. Streamed, the prompts' events are merged round-robin ({@link PromptMerge}), a prompt that
 * fails ends with an error event in its place while the others go on, and one {@code [DONE]} ends
 * the stream. Whole, the response waits for every prompt and fails as soon as one does.
 */
final class CompletionsBatch {
  private final Generations core;
  private final Generations.Answers completions;

  CompletionsBatch(Generations core, Generations.Answers completions) {
    this.core = core;
    this.completions = completions;
  }

  void serve(Exchange ex, JsonNode root, boolean streaming, long arrival, TruthLog.Recording rec) {
    List<RequestParsing.Slot> slots = core.parsing.completionsBatch(root);
    RequestFaultPlan.Decision[] decisions = new RequestFaultPlan.Decision[slots.size()];
    for (int i = 0; i < decisions.length; i++) decisions[i] = core.faults.decide(ex.header(RequestFaultPlan.HEADER));
    if (rec != null) {
      int prompt = 0;
      for (RequestParsing.Slot s : slots) if (s.params() != null) prompt += s.params().inputTokens();
      rec.promptTokens(prompt);
    }
    if (streaming) stream(ex, slots, decisions, arrival, rec);
    else whole(ex, slots, decisions, arrival, rec);
  }

  private static void cancelAll(Engine.Handle[] handles) {
    for (Engine.Handle h : handles) if (h != null) h.cancel();
  }

  private void stream(Exchange ex, List<RequestParsing.Slot> slots, RequestFaultPlan.Decision[] decisions, long arrival,
      TruthLog.Recording rec) {
    int n = slots.size();
    int characters = 0;
    for (RequestParsing.Slot slot : slots) if (slot.params() != null) characters += slot.params().prompt().length();
    Duration slow = decisions[0].slowHeaders();
    if (!slow.isZero()) ex.holdUntil(arrival + slow.toNanos());
    Exchange.Stream out = ex.stream(200, core.streamHeaders(characters), Reply.EVENT_STREAM, rec == null ? null : rec::headers);
    Flight flight = core.flight(rec, arrival);
    flight.permits = 0;
    KeepAlive keepAlive = core.keepAlive(out);
    Engine.Handle[] handles = new Engine.Handle[n];
    PromptMerge merge = new PromptMerge(out, n, rec == null ? null : rec::token, firstError -> {
      keepAlive.stop();
      flight.endBatch(firstError, System.nanoTime());
      out.send(StreamFormat.DONE, null);
      out.end();
    });
    long created = System.currentTimeMillis() / 1000;
    for (int i = 0; i < n; i++) {
      RequestParsing.Slot slot = slots.get(i);
      if (slot.rejection() != null) {
        core.stats.failed(slot.rejection().kind());
        merge.fail(i, StreamFormat.OpenAi.errorEvent(slot.rejection().message()), slot.rejection().kind());
        continue;
      }
      if (!core.stats.tryAcquire()) {
        core.stats.rejected();
        merge.fail(i, StreamFormat.OpenAi.errorEvent(Rejection.overloaded().message()), ErrorKind.OVERLOADED);
        continue;
      }
      flight.permits++;
      int prompt = i;
      StreamFormat format = new StreamFormat.Completions(slot.params(), core.model(slot.params()), created,
          Generations.FINGERPRINT, i);
      TokenSink sink = new TokenSink() {
        @Override public void onAdmitted(long nanos) {
          if (flight.admitted == 0) flight.admitted = nanos;
        }

        @Override public void onToken(Token token, long nanos) {
          flight.tokens++;
          flight.lastToken = nanos;
          merge.token(prompt, format.token(token));
        }

        @Override public void onFinished(long nanos) {
          merge.end(prompt);
        }

        @Override public void onError(String message, ErrorKind kind, long nanos) {
          if (kind == ErrorKind.DISCONNECT) {
            merge.abandon();
            keepAlive.stop();
            cancelAll(handles);
            flight.disconnected(System.nanoTime());
            out.drop();
            return;
          }
          core.stats.failed(kind);
          merge.fail(prompt, StreamFormat.OpenAi.errorEvent(message), kind);
        }
      };
      handles[i] = core.engine.submit(core.newRequest(slot.params(), decisions[i]), arrival, Generations.onLoop(ex, sink));
    }
    ex.onClientGone(() -> {
      merge.abandon();
      keepAlive.stop();
      cancelAll(handles);
      flight.cancelled(System.nanoTime());
    });
    keepAlive.schedule();
  }

  private void whole(Exchange ex, List<RequestParsing.Slot> slots, RequestFaultPlan.Decision[] decisions, long arrival,
      TruthLog.Recording rec) {
    int n = slots.size();
    for (RequestParsing.Slot slot : slots) if (slot.rejection() != null) throw new Rejection.Failure(slot.rejection());
    for (int i = 0; i < n; i++) {
      if (!core.stats.tryAcquire()) {
        for (int j = 0; j < i; j++) core.stats.release();
        core.stats.rejected();
        core.reject(completions, Rejection.overloaded(), rec).send(ex, rec);
        return;
      }
    }
    Duration slow = decisions[0].slowHeaders();
    if (!slow.isZero()) ex.holdUntil(arrival + slow.toNanos());
    Flight flight = core.flight(rec, arrival);
    flight.permits = n;
    long ready = core.ready(arrival);
    LongConsumer headWritten = rec == null ? null : rec::headers;
    Engine.Handle[] handles = new Engine.Handle[n];
    Generated[] results = new Generated[n];
    long[] finishedAt = new long[n];
    List<Integer> finishOrder = new ArrayList<>(n);
    AtomicBoolean over = new AtomicBoolean();
    for (int i = 0; i < n; i++) {
      int prompt = i;
      GenerationParams params = slots.get(i).params();
      GenRequest gen = core.newRequest(params, decisions[i]);
      List<Token> tokens = new ArrayList<>(gen.outputTokens());
      long[] instants = new long[2];
      TokenSink sink = new TokenSink() {
        @Override public void onAdmitted(long nanos) {
          instants[0] = nanos;
          if (flight.admitted == 0) flight.admitted = nanos;
        }

        @Override public void onToken(Token token, long nanos) {
          tokens.add(token);
          flight.tokens++;
          instants[1] = nanos;
          if (rec != null) rec.token(nanos);
        }

        @Override public void onFinished(long nanos) {
          results[prompt] = Generated.of(tokens, params.inputTokens(), arrival, ready, instants[0], instants[1]);
          finishedAt[prompt] = System.nanoTime();
          finishOrder.add(prompt);
          if (finishOrder.size() == n && over.compareAndSet(false, true)) {
            respond(ex, slots, results, finishedAt, finishOrder, flight, headWritten);
          }
        }

        @Override public void onError(String message, ErrorKind kind, long nanos) {
          if (!over.compareAndSet(false, true)) return;
          cancelAll(handles);
          Generations.fail(ex, flight, kind, () -> Generations.tgiFailure(message, kind), headWritten);
        }
      };
      handles[i] = core.engine.submit(gen, arrival, Generations.onLoop(ex, sink));
    }
    ex.onClientGone(() -> {
      over.set(true);
      cancelAll(handles);
      flight.cancelled(System.nanoTime());
    });
  }

  /** Every prompt finished: TGI's response, choices in finishing order, timing headers summed over the prompts. */
  private void respond(Exchange ex, List<RequestParsing.Slot> slots, Generated[] results, long[] finishedAt,
      List<Integer> finishOrder, Flight flight, LongConsumer headWritten) {
    List<Generated> finished = new ArrayList<>(finishOrder.size());
    long[] sums = new long[5];
    long characters = 0;
    long promptTokens = 0;
    long generatedTokens = 0;
    for (int i : finishOrder) {
      Generated g = results[i];
      finished.add(g);
      long[] ms = Generations.timingMillis(g, finishedAt[i]);
      for (int k = 0; k < sums.length; k++) sums[k] += ms[k];
      promptTokens += g.promptTokens();
      generatedTokens += g.tokens().size();
    }
    for (RequestParsing.Slot slot : slots) characters += slot.params().prompt().length();
    long now = System.nanoTime();
    flight.succeeded(now);
    byte[] body = OpenAiShapes.completionBatch(finished, finishOrder, core.model(slots.get(0).params()),
        System.currentTimeMillis() / 1000, Generations.FINGERPRINT);
    List<String[]> h = new ArrayList<>();
    h.add(new String[] {"x-compute-type", core.profile.computeType()});
    h.add(new String[] {"x-compute-characters", String.valueOf(characters)});
    Generations.addTimings(h, sums, promptTokens, generatedTokens);
    ex.respond(200, h, Reply.JSON, body, headWritten);
  }
}
