package io.barrage.protocol.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.barrage.common.json.Mappers;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A parsed trace: one {@link Arrival} per request, in time order, offsets from the first arrival.
 * The one reader of trace files: the validator checks a file with it and every worker replays what
 * it returns, so all of them see the same schedule. Files are bounded ({@link #MAX_BYTES}, {@link
 * #MAX_ARRIVALS}); a bad line is an {@link IllegalArgumentException} naming the file and the line.
 */
public final class TraceFile {
  /** Largest trace file read (checked before reading). */
  public static final long MAX_BYTES = 64L * 1024 * 1024;
  /** Most arrivals a trace may hold. */
  public static final int MAX_ARRIVALS = 1_000_000;
  /** Tokens per block of Mooncake's {@code hash_ids}. */
  public static final int MOONCAKE_BLOCK_TOKENS = 512;
  /** Largest input or output length of one arrival. */
  public static final int MAX_TOKENS = 1_000_000;

  private static final DateTimeFormatter AZURE_TIME = new DateTimeFormatterBuilder()
      .appendPattern("yyyy-MM-dd HH:mm:ss")
      .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
      .toFormatter();

  /**
   * One request of the trace.
   *
   * @param offsetNanos arrival instant after the trace's first arrival
   * @param hashIds Mooncake prefix blocks ({@link #MOONCAKE_BLOCK_TOKENS} tokens each); empty for Azure
   * @param line the file's line it came from (1-based)
   */
  public record Arrival(long offsetNanos, int inputTokens, int outputTokens, long[] hashIds, int line) {}

  private final List<Arrival> arrivals;

  private TraceFile(List<Arrival> arrivals) {
    this.arrivals = arrivals;
  }

  public List<Arrival> arrivals() {
    return arrivals;
  }

  /** Trace duration: offset of the last arrival. */
  public long spanNanos() {
    return arrivals.isEmpty() ? 0 : arrivals.get(arrivals.size() - 1).offsetNanos();
  }

  /** Reads a trace given by a scenario: confined to the scenario directory (see {@link ConfinedFiles}). */
  public static TraceFile load(TraceSpec spec, Path baseDir) {
    Path p = ConfinedFiles.resolve(spec.file(), baseDir)
        .orElseThrow(() -> new IllegalArgumentException(ConfinedFiles.refusal("trace", spec.file())));
    TraceSpec.Format f = spec.formatOrInferred();
    if (f == null) throw new IllegalArgumentException("trace " + spec.file() + ": give format (azure or mooncake)");
    return read(p, f, spec.file());
  }

  /** Reads {@code p} in format {@code f}; {@code name} is how errors name the file. */
  public static TraceFile read(Path p, TraceSpec.Format f, String name) {
    try {
      long size = Files.size(p);
      if (size > MAX_BYTES) {
        throw new IllegalArgumentException("trace " + name + " is " + size + " bytes, more than the " + MAX_BYTES + " a trace may have");
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read trace " + name + ": " + e.getMessage());
    }
    List<Arrival> out = new ArrayList<>();
    try (BufferedReader r = Files.newBufferedReader(p, StandardCharsets.UTF_8)) {
      if (f == TraceSpec.Format.AZURE) readAzure(r, name, out);
      else readMooncake(r, name, out);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read trace " + name + ": " + e.getMessage());
    }
    if (out.isEmpty()) throw new IllegalArgumentException("trace " + name + " has no arrivals");
    out.sort(Comparator.comparingLong(Arrival::offsetNanos)); // stable: equal instants keep file order
    long first = out.get(0).offsetNanos();
    List<Arrival> rebased = new ArrayList<>(out.size());
    for (Arrival a : out) rebased.add(new Arrival(a.offsetNanos() - first, a.inputTokens(), a.outputTokens(), a.hashIds(), a.line()));
    return new TraceFile(List.copyOf(rebased));
  }

  private static void readAzure(BufferedReader r, String name, List<Arrival> out) throws IOException {
    String header = r.readLine();
    if (header == null) throw new IllegalArgumentException("trace " + name + " is empty");
    String[] cols = header.replace("\uFEFF", "").strip().split(",");
    int ts = -1, in = -1, outCol = -1;
    for (int i = 0; i < cols.length; i++) {
      switch (cols[i].strip()) {
        case "TIMESTAMP" -> ts = i;
        case "ContextTokens" -> in = i;
        case "GeneratedTokens" -> outCol = i;
        default -> { }
      }
    }
    if (ts < 0 || in < 0 || outCol < 0) {
      throw new IllegalArgumentException(name + " line 1: expected the header TIMESTAMP,ContextTokens,GeneratedTokens, got '" + shorten(header) + "'");
    }
    String line;
    int n = 1;
    while ((line = r.readLine()) != null) {
      n++;
      if (line.isBlank()) continue;
      String[] v = line.split(",", -1);
      if (v.length != cols.length) throw new IllegalArgumentException(name + " line " + n + ": " + v.length + " fields, the header has " + cols.length);
      long at = azureInstant(v[ts].strip(), name, n);
      add(out, new Arrival(at, tokens(v[in], "ContextTokens", name, n, 1), tokens(v[outCol], "GeneratedTokens", name, n, 0), new long[0], n), name);
    }
  }

  /** Nanoseconds of a TIMESTAMP: {@code 2023-11-16 18:15:46.6805900}, or plain seconds ({@code 12.5}). */
  private static long azureInstant(String s, String name, int line) {
    try {
      LocalDateTime t = LocalDateTime.parse(s, AZURE_TIME);
      return t.toEpochSecond(ZoneOffset.UTC) * 1_000_000_000L + t.getNano();
    } catch (DateTimeParseException e) {
      try {
        double secs = Double.parseDouble(s);
        if (secs >= 0 && secs < 9e9) return Math.round(secs * 1e9);
      } catch (NumberFormatException ignored) {
        // reported below
      }
      throw new IllegalArgumentException(name + " line " + line + ": TIMESTAMP '" + shorten(s) + "' is neither yyyy-MM-dd HH:mm:ss[.fraction] nor seconds");
    }
  }

  private static void readMooncake(BufferedReader r, String name, List<Arrival> out) throws IOException {
    ObjectMapper json = Mappers.strict();
    String line;
    int n = 0;
    while ((line = r.readLine()) != null) {
      n++;
      if (line.isBlank()) continue;
      JsonNode o;
      try {
        o = json.readTree(line);
      } catch (IOException e) {
        throw new IllegalArgumentException(name + " line " + n + ": not JSON");
      }
      if (o == null || !o.isObject()) throw new IllegalArgumentException(name + " line " + n + ": not a JSON object");
      JsonNode ts = o.get("timestamp");
      if (ts == null || !ts.isNumber() || ts.asDouble() < 0 || ts.asDouble() > 9e12) {
        throw new IllegalArgumentException(name + " line " + n + ": timestamp must be a number of milliseconds >= 0");
      }
      int in = intField(o, "input_length", name, n, 1);
      int outLen = intField(o, "output_length", name, n, 0);
      long[] hashes = new long[0];
      JsonNode h = o.get("hash_ids");
      if (h != null && !h.isNull()) {
        if (!h.isArray()) throw new IllegalArgumentException(name + " line " + n + ": hash_ids must be a list of integers");
        hashes = new long[h.size()];
        for (int i = 0; i < h.size(); i++) {
          if (!h.get(i).canConvertToLong() || !h.get(i).isIntegralNumber()) {
            throw new IllegalArgumentException(name + " line " + n + ": hash_ids[" + i + "] is not an integer");
          }
          hashes[i] = h.get(i).asLong();
        }
        if ((long) hashes.length * MOONCAKE_BLOCK_TOKENS > in + (long) MOONCAKE_BLOCK_TOKENS - 1) {
          throw new IllegalArgumentException(name + " line " + n + ": " + hashes.length + " hash_ids of " + MOONCAKE_BLOCK_TOKENS
              + " tokens are more than input_length " + in);
        }
      }
      add(out, new Arrival(Math.round(ts.asDouble() * 1e6), in, outLen, hashes, n), name);
    }
  }

  private static void add(List<Arrival> out, Arrival a, String name) {
    if (out.size() >= MAX_ARRIVALS) throw new IllegalArgumentException("trace " + name + " has more than " + MAX_ARRIVALS + " arrivals (line " + a.line() + ")");
    out.add(a);
  }

  private static int intField(JsonNode o, String field, String name, int line, int min) {
    JsonNode v = o.get(field);
    if (v == null || !v.isIntegralNumber() || v.asLong() < min || v.asLong() > MAX_TOKENS) {
      throw new IllegalArgumentException(name + " line " + line + ": " + field + " must be an integer between " + min + " and " + MAX_TOKENS);
    }
    return v.asInt();
  }

  private static int tokens(String s, String field, String name, int line, int min) {
    try {
      long v = Long.parseLong(s.strip());
      if (v >= min && v <= MAX_TOKENS) return (int) v;
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new IllegalArgumentException(name + " line " + line + ": " + field + " '" + shorten(s) + "' must be an integer between " + min + " and " + MAX_TOKENS);
  }

  private static String shorten(String s) {
    return s.length() > 80 ? s.substring(0, 80) + "..." : s;
  }
}
