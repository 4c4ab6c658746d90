package io.barrage.protocol.scenario;

/**
 * Where a target's credential comes from. The secret itself is never part of a scenario, a log or a
 * report: only the name of the environment variable or file that holds it.
 *
 * @param header header name, default {@code Authorization}
 * @param scheme prefix of the value, default {@code Bearer}
 * @param env environment variable holding the secret
 * @param file file holding the secret (trailing newline stripped)
 */
public record Auth(String header, String scheme, String env, String file) {}
