package io.barrage.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Network namespaces for partition tests: one namespace per node, each joined by a veth pair to a
 * "hub" namespace that routes between them (node {@code i} is {@code 10.77.i.2/24}, its hub side
 * {@code 10.77.i.1}). {@link #cut} drops every packet between two nodes in the hub (a policy rule of
 * type blackhole, both directions: silently, as a dead link does — no reset, no ICMP), {@link #heal}
 * removes the rules. Nothing is changed outside the namespaces made here; {@link #close} deletes them
 * (and with them the veth pairs), also from a shutdown hook, and namespaces of earlier test JVMs that
 * no longer run are deleted at start. Needs Linux, root and iproute2's {@code ip}.
 */
final class NetworkLab implements AutoCloseable {
  private static final String PREFIX = "barrage-it-";
  private final String id = PREFIX + ProcessHandle.current().pid() + "-" + Long.toString(System.nanoTime() % 100_000, 36);
  private final Map<String, Integer> nodes = new LinkedHashMap<>();
  private final List<String> namespaces = new ArrayList<>();
  private final Thread cleanup = new Thread(this::deleteNamespaces, "network-lab-cleanup");

  /** Why namespaces cannot be used here, or empty when they can (a throwaway namespace is made and deleted to find out). */
  static Optional<String> unavailable() {
    if (!System.getProperty("os.name").toLowerCase().contains("linux")) return Optional.of("network namespaces need Linux, this is " + System.getProperty("os.name"));
    try {
      Result r = run(List.of("id", "-u"));
      if (!r.out.trim().equals("0")) return Optional.of("network namespaces need root (uid 0), this test runs as uid " + r.out.trim());
    } catch (IOException e) {
      return Optional.of("cannot run id -u: " + e.getMessage());
    }
    String probe = PREFIX + "probe-" + ProcessHandle.current().pid();
    try {
      Result r = run(List.of("ip", "netns", "add", probe));
      if (r.code != 0) return Optional.of("'ip netns add' failed: " + r.out.trim());
      Result v = run(List.of("ip", "-n", probe, "link", "add", "probe0", "type", "veth", "peer", "name", "probe1"));
      if (v.code != 0) return Optional.of("veth pairs cannot be made: " + v.out.trim());
      Result rule = run(List.of("ip", "-n", probe, "rule", "add", "from", "10.0.0.1", "to", "10.0.0.2", "blackhole"));
      if (rule.code != 0) return Optional.of("policy routing rules (ip rule ... blackhole) are not available: " + rule.out.trim());
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of("iproute2's 'ip' cannot be run (" + e.getMessage() + "); install iproute2");
    } finally {
      try {
        run(List.of("ip", "netns", "del", probe));
      } catch (IOException ignored) {
        // it was never made
      }
    }
  }

  /** Makes the hub and one namespace per node name, wired and routed. */
  NetworkLab(List<String> nodeNames) throws IOException {
    deleteStale();
    Runtime.getRuntime().addShutdownHook(cleanup);
    boolean done = false;
    try {
      String hub = ns("hub");
      add(hub);
      ip("-n", hub, "link", "set", "lo", "up");
      sh(hub, "echo 1 > /proc/sys/net/ipv4/ip_forward");
      int i = 1;
      for (String name : nodeNames) {
        nodes.put(name, i);
        String n = ns(name);
        add(n);
        String hubSide = "v" + i;
        ip("link", "add", hubSide, "netns", hub, "type", "veth", "peer", "name", "eth0", "netns", n);
        ip("-n", hub, "addr", "add", "10.77." + i + ".1/24", "dev", hubSide);
        ip("-n", hub, "link", "set", hubSide, "up");
        ip("-n", n, "addr", "add", address(name) + "/24", "dev", "eth0");
        ip("-n", n, "link", "set", "eth0", "up");
        ip("-n", n, "link", "set", "lo", "up");
        ip("-n", n, "route", "add", "default", "via", "10.77." + i + ".1");
        i++;
      }
      done = true;
    } finally {
      if (!done) close();
    }
  }

  /** The node's address, reachable from every other node of the lab. */
  String address(String node) {
    Integer i = nodes.get(node);
    if (i == null) throw new IllegalArgumentException("no node " + node + " in " + nodes.keySet());
    return "10.77." + i + ".2";
  }

  /** The command prefix that runs a program in the node's namespace. */
  List<String> exec(String node) {
    address(node);
    return List.of("ip", "netns", "exec", ns(node));
  }

  /** Drops every packet between the two nodes, both ways, until {@link #heal}. */
  void cut(String a, String b) throws IOException {
    ip("-n", ns("hub"), "rule", "add", "from", address(a), "to", address(b), "blackhole");
    ip("-n", ns("hub"), "rule", "add", "from", address(b), "to", address(a), "blackhole");
  }

  void heal(String a, String b) throws IOException {
    ip("-n", ns("hub"), "rule", "del", "from", address(a), "to", address(b), "blackhole");
    ip("-n", ns("hub"), "rule", "del", "from", address(b), "to", address(a), "blackhole");
  }

  @Override
  public void close() {
    deleteNamespaces();
    try {
      Runtime.getRuntime().removeShutdownHook(cleanup);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down: the hook runs
    }
  }

  private synchronized void deleteNamespaces() {
    for (String n : namespaces) {
      try {
        run(List.of("ip", "netns", "del", n));
      } catch (IOException ignored) {
        // best effort: the next lab deletes what is left of a dead JVM's namespaces
      }
    }
    namespaces.clear();
  }

  /** Namespaces left behind by test JVMs that no longer run (killed before their cleanup). */
  private static void deleteStale() throws IOException {
    Result r = run(List.of("ip", "netns", "list"));
    for (String line : r.out.split("\n")) {
      String name = line.split(" ")[0];
      if (!name.startsWith(PREFIX)) continue;
      String[] parts = name.substring(PREFIX.length()).split("-");
      try {
        long pid = Long.parseLong(parts[0]);
        if (ProcessHandle.of(pid).isPresent()) continue;
      } catch (NumberFormatException e) {
        // a probe of a dead JVM: delete it as well
      }
      run(List.of("ip", "netns", "del", name));
    }
  }

  private String ns(String node) {
    return id + "-" + node;
  }

  private void add(String n) throws IOException {
    ip("netns", "add", n);
    namespaces.add(n);
  }

  private void sh(String n, String script) throws IOException {
    check(List.of("ip", "netns", "exec", n, "sh", "-c", script));
  }

  private static void ip(String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("ip"));
    cmd.addAll(List.of(args));
    check(cmd);
  }

  private static void check(List<String> cmd) throws IOException {
    Result r = run(cmd);
    if (r.code != 0) throw new IOException(String.join(" ", cmd) + " failed (" + r.code + "): " + r.out.trim());
  }

  private record Result(int code, String out) {}

  private static Result run(List<String> cmd) throws IOException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try {
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", cmd) + " did not end within 20 s");
      }
      return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IOException("interrupted: " + String.join(" ", cmd), e);
    }
  }
}
