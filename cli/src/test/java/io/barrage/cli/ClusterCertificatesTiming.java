package io.barrage.cli;

import com.sun.management.OperatingSystemMXBean;
import io.barrage.protocol.wire.ClusterSecurity;
import java.lang.management.ManagementFactory;

/**
 * Prints how long {@link ClusterCertificates#create} takes, N times in one JVM: a timing table, not a
 * test. Needs only the JDK and three sources, see docs/adr/0190-cluster-certificates-issued-in-process.md.
 */
public final class ClusterCertificatesTiming {
  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    System.out.println("set | wall ms | CPU ms (this process)");
    for (int i = 1; i <= n; i++) {
      long cpu0 = os.getProcessCpuTime();
      long t0 = System.nanoTime();
      try (ClusterCertificates c = ClusterCertificates.create("timing-ca", 1)) {
        long wall = System.nanoTime() - t0;
        long cpu = os.getProcessCpuTime() - cpu0;
        System.out.printf("%d | %d | %d%n", i, wall / 1_000_000, cpu / 1_000_000);
        if (!new ClusterSecurity.MutualTls(c.dir()).problems().isEmpty()) throw new IllegalStateException("incomplete " + c.dir());
      }
    }
  }
}
