package io.barrage.worker.client;

import io.barrage.protocol.scenario.Timeouts;
import java.time.Duration;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.io.TcpSO;
import org.apache.pekko.http.javadsl.settings.ClientConnectionSettings;
import org.apache.pekko.http.javadsl.settings.ConnectionPoolSettings;

/**
 * Host-pool settings sized from the load. Pekko HTTP's defaults (4 connections and 32 open requests
 * per host, 5 retries, a 60 s client idle timeout) would silently queue, retry or cut streams, so
 * every one is set here: one connection per concurrent request, no pipelining, no retries (a retried
 * POST would be measured twice), and transport idle timeouts longer than the scenario's own timeouts
 * so that barrage's timeouts, not Pekko's, decide and classify; TCP_NODELAY on.
 */
public final class ClientPools {
  private ClientPools() {}

  /**
   * @param connections the most requests this step can have in flight at once
   */
  public static ConnectionPoolSettings settings(ActorSystem system, int connections, Timeouts timeouts, Duration connectingTimeout) {
    Timeouts t = timeouts.orDefaults();
    Duration longest = max(max(t.firstToken(), t.idle()), t.total()).plusSeconds(30);
    ClientConnectionSettings conn = ClientConnectionSettings.create(system)
        .withIdleTimeout(longest)
        .withConnectingTimeout(connectingTimeout)
        // Nagle + the server's delayed ACK would hold a request's body back by up to 40 ms
        .withSocketOptions(java.util.List.of(TcpSO.tcpNoDelay(true)));
    int n = Math.max(1, connections);
    return ConnectionPoolSettings.create(system)
        .withMaxConnections(n)
        .withMinConnections(0)
        .withMaxOpenRequests(powerOfTwoAtLeast(n * 2L))
        .withPipeliningLimit(1)
        .withMaxRetries(0)
        .withIdleTimeout(longest)
        .withResponseEntitySubscriptionTimeout(Duration.ofSeconds(10))
        .withBaseConnectionBackoff(Duration.ofMillis(10))
        .withConnectionSettings(conn);
  }

  static int powerOfTwoAtLeast(long n) {
    long p = 1;
    while (p < n && p < (1 << 30)) p <<= 1;
    return (int) p;
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
