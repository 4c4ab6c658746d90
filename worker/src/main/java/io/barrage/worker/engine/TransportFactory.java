package io.barrage.worker.engine;

import io.barrage.protocol.scenario.Timeouts;
import io.barrage.protocol.scenario.TlsOptions;
import io.barrage.worker.client.ApiClient;
import io.barrage.worker.client.AuthHeader;
import io.barrage.worker.client.Transport;
import java.nio.file.Path;
import java.util.Optional;

/** Makes a step's transport from its client, credential, timeouts and the target's TLS options (https). */
interface TransportFactory {
  Transport create(ApiClient api, Optional<AuthHeader> auth, Timeouts timeouts, TlsOptions tls, Path baseDir);
}
