package io.barrage.worker.engine;

import org.apache.pekko.actor.ActorSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * What the engine integration tests against a {@link ScriptedServer} share: one ActorSystem, one
 * scripted loopback server and one load engine per test class, all closed after the class.
 */
abstract class ScriptedEngineFixture {
  static ActorSystem system;
  static ScriptedServer server;
  static LoadEngine engine;

  @BeforeAll
  static void up() throws Exception {
    system = ActorSystem.create("scripted-engine");
    server = new ScriptedServer(system);
    engine = new LoadEngine(system, EngineSettings.defaults());
  }

  @AfterAll
  static void down() throws Exception {
    engine.close();
    server.close();
    system.terminate();
  }
}
