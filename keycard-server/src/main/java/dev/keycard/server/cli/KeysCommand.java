package dev.keycard.server.cli;

import dev.keycard.core.change.Change;
import dev.keycard.core.key.KeyGenerator;
import dev.keycard.core.key.KeyRotation;
import dev.keycard.core.key.SigningAlgorithm;
import dev.keycard.core.key.SigningKey;
import dev.keycard.core.key.SigningKeyStore;
import dev.keycard.core.store.Stores;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code keycard keys}: signing keys. */
@Command(name = "keys", mixinStandardHelpOptions = true, description = "Manage signing keys.",
    subcommands = KeysCommand.Rotate.class)
final class KeysCommand {
  /**
   * {@code keycard keys rotate}: a new signer; the previous one retires but keeps verifying until its
   * tokens have expired. A running server picks the new key up within seconds.
   */
  @Command(name = "rotate", mixinStandardHelpOptions = true,
      description = "Make a new signing key; the old one keeps verifying until its tokens expire.")
  static final class Rotate implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    RedisOptions redis;

    @Option(names = "--algorithm", paramLabel = "ALG",
        description = "RS256, ES256 or EdDSA. Default: the algorithm of the current signer, else RS256.")
    String algorithm;

    @Override
    public Integer call() {
      try (Stores stores = common.openStores(spec)) {
        SigningKeyStore store = stores.signingKeys();
        SigningAlgorithm alg = algorithm != null ? SigningAlgorithm.parse(algorithm) : current(store.all());
        if (alg == SigningAlgorithm.HS256) {
          throw new IllegalArgumentException("HS256 keys are the operator's secret, not stored keys: "
              + "change --hs256-secret-file / KEYCARD_HS256_SECRET and restart instead");
        }
        // Retention only matters when the ring is read; the server applies its own.
        KeyRotation rotation = new KeyRotation(store, new KeyGenerator(new SecureRandom()), InstantSource.system(),
            Duration.ofDays(1));
        SigningKey key = rotation.rotate(alg);
        boolean announced = Announce.change(redis, spec, Change.Reload.SIGNING_KEYS);
        spec.commandLine().getOut().println("new signing key " + key.kid() + " (" + alg + ");"
            + (announced ? " running servers were told through Redis" : " running servers use it within about 10 seconds"));
      }
      return 0;
    }

    private static SigningAlgorithm current(List<SigningKey> keys) {
      return keys.stream().filter(k -> !k.retired() && !k.algorithm().symmetric())
          .max(Comparator.comparing(SigningKey::createdAt))
          .map(SigningKey::algorithm).orElse(SigningAlgorithm.RS256);
    }
  }
}
