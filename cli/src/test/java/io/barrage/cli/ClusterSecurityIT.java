package io.barrage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.barrage.protocol.plan.CellSpec;
import io.barrage.protocol.plan.Load;
import io.barrage.protocol.plan.LoadShare;
import io.barrage.protocol.results.RunOutcome;
import io.barrage.protocol.wire.ClusterConfig;
import io.barrage.protocol.wire.ClusterSecurity;
import io.barrage.protocol.wire.CoordinatorProtocol;
import io.barrage.protocol.wire.OrderKey;
import io.barrage.protocol.wire.WorkerProtocol;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attacks on the cluster port, against a real coordinator (this JVM, mutual TLS) with one worker
 * JVM and the simulator as the place a hijacked worker would send its requests (and secrets) to.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterSecurityIT {

  @TempDir static Path out;
  private ClusterFixture c;
  private ClusterCertificates foreign;

  @BeforeAll
  void start() throws Exception {
    c = new ClusterFixture(out, 1);
    foreign = ClusterCertificates.create("someone-elses-ca", 1);
    await("the worker is Up").atMost(Duration.ofSeconds(90)).until(() -> upMembers(c.coordinator.system()).size() == 2);
  }

  @AfterAll
  void stop() {
    if (c != null) c.close();
    if (foreign != null) foreign.close();
  }

  private static Set<String> upMembers(ActorSystem<?> system) {
    return StreamSupport.stream(Cluster.get(system).state().getMembers().spliterator(), false)
        .filter(m -> m.status() == MemberStatus.up())
        .map(m -> m.address() + " " + m.getRoles())
        .collect(Collectors.toSet());
  }

  private static SSLContext tls(Path dir, boolean withKey) throws Exception {
    CertificateFactory cf = CertificateFactory.getInstance("X.509");
    X509Certificate ca = (X509Certificate) cf.generateCertificate(new ByteArrayInputStream(Files.readAllBytes(dir.resolve("ca.crt"))));
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", ca);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    KeyManagerFactory kmf = null;
    if (withKey) {
      X509Certificate node = (X509Certificate) cf.generateCertificate(new ByteArrayInputStream(Files.readAllBytes(dir.resolve("tls.crt"))));
      var key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(ClusterCertificatesTest.der(dir.resolve("tls.key"))));
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("node", key, "x".toCharArray(), new Certificate[] {node});
      kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, "x".toCharArray());
    }
    SSLContext ctx = SSLContext.getInstance("TLSv1.3");
    ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return ctx;
  }

  @Test
  void theClusterPortCompletesATlsHandshakeWithANodeThatHoldsTheClustersCertificate() throws Exception {
    try (SSLSocket s = (SSLSocket) tls(c.certs.dir(), true).getSocketFactory().createSocket("127.0.0.1", c.coordinator.clusterPort())) {
      s.setSoTimeout(10_000);
      s.startHandshake();
      assertThat(s.getSession().getProtocol()).isEqualTo("TLSv1.3");
      X509Certificate server = (X509Certificate) s.getSession().getPeerCertificates()[0];
      assertThat(server.getSubjectX500Principal().getName()).isEqualTo("CN=barrage-cluster");
    }
  }

  @Test
  void opensslCompletesAHandshakeWithTheClustersCertificateAndIsRefusedWithout() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl is not installed");
    Path dir = c.certs.dir();
    String connect = "127.0.0.1:" + c.coordinator.clusterPort();
    String with = openssl("s_client", "-connect", connect, "-tls1_3", "-CAfile", dir.resolve("ca.crt").toString(),
        "-cert", dir.resolve("tls.crt").toString(), "-key", dir.resolve("tls.key").toString(), "-verify_return_error");
    assertThat(with).contains("Verify return code: 0 (ok)").contains("TLSv1.3").contains("CN = barrage-cluster");
    // without a client certificate the server sends "certificate required" once the client has finished
    // (-ign_eof: read until the server closes, which it does right after the alert)
    String without = openssl("s_client", "-connect", connect, "-tls1_3", "-CAfile", dir.resolve("ca.crt").toString(), "-ign_eof");
    assertThat(without).containsPattern("alert (bad certificate|certificate required)");
  }

  private static String openssl(String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of("openssl"));
    cmd.addAll(List.of(args));
    Path output = Files.createTempFile(out, "openssl", ".txt");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    p.getOutputStream().close(); // nothing to send
    boolean ended = p.waitFor(30, TimeUnit.SECONDS);
    if (!ended) p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    String text = Files.readString(output);
    assertThat(ended).as("openssl ended by itself: " + text).isTrue();
    return text;
  }

  @Test
  void aClientWithoutACertificateIsRefused() throws Exception {
    try (SSLSocket s = (SSLSocket) tls(c.certs.dir(), false).getSocketFactory().createSocket("127.0.0.1", c.coordinator.clusterPort())) {
      s.setSoTimeout(10_000);
      // TLS 1.3: the server checks the client's certificate after the client has finished its side,
      // so the refusal arrives as an alert on the first read
      assertThatThrownBy(() -> {
            s.startHandshake();
            if (s.getInputStream().read() < 0) throw new IOException("closed without a word");
          })
          .isInstanceOf(SSLException.class)
          .hasMessageContaining("certificate");
    }
  }

  @Test
  void workersWithoutTheClustersCertificateCannotJoin() throws Exception {
    Set<String> before = upMembers(c.coordinator.system());
    Path foreignLog = out.resolve("rogue-foreign-ca.log");
    Path plainLog = out.resolve("rogue-plain.log");
    try (BarrageProcess withForeignCa = c.startWorker(foreignLog, "--cluster-tls-dir", foreign.dir().toString());
        BarrageProcess plain = c.startWorker(plainLog)) {
      // each keeps trying; what it logs shows that it reached the port and was turned away
      await("the foreign-CA worker's handshake fails").atMost(Duration.ofSeconds(90)).until(() -> withForeignCa.log().contains("SSLHandshakeException"));
      await("the plain worker's join attempts go unanswered").atMost(Duration.ofSeconds(90)).until(
          () -> plain.log().contains("Couldn't join seed nodes") || plain.log().contains("InitJoin"));
      assertThat(upMembers(c.coordinator.system())).isEqualTo(before);
      assertThat(Cluster.get(c.coordinator.system()).state().getMembers()).hasSize(2);
    }
  }


  /** The worker's order address, as the coordinator's receptionist lists it. */
  private String workerAddress() throws Exception {
    ActorSystem<Void> sys = c.coordinator.system();
    Receptionist.Listing listing = AskPattern.<Receptionist.Command, Receptionist.Listing>ask(
            sys.receptionist(), r -> Receptionist.find(WorkerProtocol.SERVICE_KEY, r), Duration.ofSeconds(5), sys.scheduler())
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    ActorRef<WorkerProtocol.Command> worker = listing.getServiceInstances(WorkerProtocol.SERVICE_KEY).iterator().next();
    return ActorRefResolver.get(sys).toSerializationFormat(worker);
  }

  private WorkerProtocol.StartStep order(ActorRef<CoordinatorProtocol.Event> replyTo, OrderKey key) {
    String yaml = c.scenario("{concurrency: [2]}", "{requests: 20}", "rebalance");
    var cell = new CellSpec(0, "hijack", "sim", 32, new Load.Concurrency(2), 1);
    return new WorkerProtocol.StartStep("rogue-run", "w1", yaml, "", cell, new LoadShare(2, 0, 0, 1, 20), System.currentTimeMillis(), replyTo, key);
  }

  private static ActorSystem<Void> rogue(List<String> roles, ClusterSecurity security, List<String> seeds) {
    return ActorSystem.create(Behaviors.empty(), ClusterConfig.SYSTEM_NAME, ClusterConfig.node(roles, "127.0.0.1", "127.0.0.1", 0, seeds, security));
  }

  @Test
  void aStrangerWithoutTheCertificateCannotOrderTheWorker() throws Exception {
    String target = workerAddress();
    long received = c.sim.stats().requestsReceived();
    long connections = c.sim.stats().connectionsAccepted();
    // it knows the worker's address and speaks TLS, with a certificate of its own CA
    ActorSystem<Void> rogue = rogue(List.of(ClusterConfig.ROLE_COORDINATOR), foreign.security(), List.of());
    try {
      ActorRef<WorkerProtocol.Command> worker = ActorRefResolver.get(rogue).resolveActorRef(target);
      TestProbe<CoordinatorProtocol.Event> replies = TestProbe.create(rogue);
      worker.tell(new WorkerProtocol.ClockPing(1, replies.getRef()));
      worker.tell(order(replies.getRef(), OrderKey.random()));
      replies.expectNoMessage(Duration.ofSeconds(5));
      assertThat(c.sim.stats().requestsReceived()).isEqualTo(received);
      assertThat(c.sim.stats().connectionsAccepted()).isEqualTo(connections);
    } finally {
      rogue.terminate();
      awaitTerminated(rogue);
    }
  }

  @Test
  void aMemberThatIsNotTheJoinedCoordinatorCannotOrderTheWorker() throws Exception {
    long received = c.sim.stats().requestsReceived();
    long connections = c.sim.stats().connectionsAccepted();
    // the worst case: a node holding the cluster's certificate that claims the coordinator role
    ActorSystem<Void> rogue = rogue(List.of(ClusterConfig.ROLE_COORDINATOR), c.certs.security(), List.of("127.0.0.1:" + c.coordinator.clusterPort()));
    try {
      await("the rogue member is Up").atMost(Duration.ofSeconds(60)).until(() -> Cluster.get(rogue).selfMember().status() == MemberStatus.up());
      ActorRef<WorkerProtocol.Command> worker = ActorRefResolver.get(rogue).resolveActorRef(workerAddress());
      TestProbe<CoordinatorProtocol.Event> replies = TestProbe.create(rogue);
      worker.tell(new WorkerProtocol.ClockPing(1, replies.getRef()));
      worker.tell(order(replies.getRef(), OrderKey.random()));
      // it writes the coordinator's own address as the reply-to: the reply-to check passes, and only
      // the key the worker sent to the coordinator (which the rogue never saw) tells the order apart
      String coordinatorAddress = "pekko://" + ClusterConfig.SYSTEM_NAME + "@127.0.0.1:" + c.coordinator.clusterPort();
      ActorRef<CoordinatorProtocol.Event> posingAs = ActorRefResolver.get(rogue).resolveActorRef(coordinatorAddress + "/user/run-it");
      worker.tell(order(posingAs, OrderKey.random()));
      worker.tell(order(posingAs, null));
      worker.tell(new WorkerProtocol.StopStep("rogue-run", "hijack", OrderKey.random()));
      await("the worker logs the refusals").atMost(Duration.ofSeconds(30)).until(
          () -> c.workers.get(0).log().contains("refused StopStep (no reply-to): it does not carry the key"));
      String log = c.workers.get(0).log();
      assertThat(log).contains("refused ClockPing from " + Cluster.get(rogue).selfMember().address());
      assertThat(log).contains("refused StartStep from " + Cluster.get(rogue).selfMember().address());
      assertThat(log).contains("refused StartStep from " + coordinatorAddress + ": it does not carry the key");
      assertThat(log).doesNotContain("cell hijack: started");
      replies.expectNoMessage(Duration.ofSeconds(2));
      assertThat(c.sim.stats().requestsReceived()).isEqualTo(received);
      assertThat(c.sim.stats().connectionsAccepted()).isEqualTo(connections);
      // the joins are on record, with address and roles
      assertThat(c.workers.get(0).log()).contains("cluster member " + Cluster.get(rogue).selfMember().address() + " up: roles [");
    } finally {
      // coordinated shutdown leaves the cluster first; each of its cluster phases may wait up to the
      // 10 s phase timeout when the final gossip is late, and if the leave does not get through the
      // coordinator's resolver downs the silent member (~5 s detection + 20 s stable-after)
      rogue.terminate();
      await("the rogue member is gone").atMost(Duration.ofSeconds(90)).until(
          () -> StreamSupport.stream(Cluster.get(c.coordinator.system()).state().getMembers().spliterator(), false).count() == 2);
      awaitTerminated(rogue);
    }
  }

  /**
   * Waits for a rogue node's actor system to finish terminating, and reports (without failing) one
   * that does not. Pekko 1.2.1's Artery waits without a deadline for its remoting streams to
   * complete when a system terminates (apache/pekko#3247, given a deadline in a later release), and
   * a TLS stream the worker stopped answering can stall there. What the other tests rely on is that
   * the cluster no longer counts the rogue, which the member test awaits before this.
   */
  private static void awaitTerminated(ActorSystem<Void> rogue) throws Exception {
    try {
      rogue.getWhenTerminated().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      System.err.println("ClusterSecurityIT: the rogue node's actor system " + rogue.address()
          + " was still terminating after 20 s (Artery's unbounded stream shutdown, apache/pekko#3247); left to the JVM");
    }
  }

  @Test
  void theCoordinatorStillRunsAScenarioOnItsWorker() throws Exception {
    long received = c.sim.stats().requestsReceived();
    var run = c.submit(c.scenario("{concurrency: [2]}", "{requests: 20}", "rebalance"), 1);
    var record = run.finished().get(120, TimeUnit.SECONDS);
    assertThat(record.outcome()).isInstanceOf(RunOutcome.Completed.class);
    assertThat(record.cells().get(0).workersUsed()).isEqualTo(1);
    assertThat(c.sim.stats().requestsReceived() - received).isEqualTo(20);
  }
}
