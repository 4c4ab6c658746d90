package io.barrage.worker.engine;

import org.apache.pekko.actor.ActorSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * What the engine integration tests against a {@link ScriptedServer} share: one ActorSystem, one
 * scripted loopback server (https in a class's https variant, see {@link SchemeFixture}) and one
 * load engine per test class, all closed after the class.
 */
abstract class ScriptedEngineFixture extends SchemeFixture {
  ActorSystem system;
  ScriptedServer server;
  LoadEngine engine;

  @BeforeAll
  void up() throws Exception {
    system = ActorSystem.create("scripted-engine");
    server = new ScriptedServer(system, serverTls());
    engine = new LoadEngine(system, engineSettings());
  }

  @AfterAll
  void down() throws Exception {
    engine.close();
    server.close();
    system.terminate();
  }
}
