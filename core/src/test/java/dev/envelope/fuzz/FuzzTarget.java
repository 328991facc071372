package dev.envelope.fuzz;

import dev.envelope.CommitmentPolicy;
import dev.envelope.DecryptingStream;
import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.EnvelopeException;
import dev.envelope.testing.StaticKeyring;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What the fuzz tests run on one input: every parsing entry point of {@link Envelope}, each allowed
 * to return or to throw an {@link EnvelopeException}. Anything else escapes to the caller.
 *
 * <p>A successful decryption of anything but a seed is a finding too: every byte of a message is
 * authenticated, so a changed message must never decrypt.
 *
 * <p>The reader injects a fixed all-zero data key for any encrypted data key, so inputs derived
 * from the seed messages (encrypted under that key) get past key recovery into the header tag,
 * frames and footer.
 */
final class FuzzTarget {
  /** The data key of the seed messages. */
  static final byte[] KEY = new byte[32];

  static final Envelope READER =
      Envelope.builder()
          .keyring(StaticKeyring.injecting(KEY))
          .commitmentPolicy(CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT)
          .build();

  private FuzzTarget() {}

  /** The seed messages: the only inputs that may decrypt (every byte of a message is authenticated). */
  private static final List<byte[]> SEEDS = seeds();

  private static List<byte[]> seeds() {
    List<byte[]> seeds = new ArrayList<>();
    for (String name : FuzzSeedsTest.names()) {
      try (InputStream in = FuzzTarget.class.getResourceAsStream(FuzzSeedsTest.SEED_DIR + "/" + name)) {
        if (in == null) {
          throw new IllegalStateException("fuzz seed " + name + " is missing");
        }
        seeds.add(in.readAllBytes());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return List.copyOf(seeds);
  }

  static void run(byte[] input) throws IOException {
    try {
      READER.decrypt(input, EncryptionContext.empty());
      if (SEEDS.stream().noneMatch(seed -> Arrays.equals(seed, input))) {
        throw new AssertionError("a message that is none of the seeds decrypted: every byte is authenticated");
      }
    } catch (EnvelopeException expected) {
      // The library's own failure.
    }
    try (DecryptingStream stream = READER.decryptingStream(new ByteArrayInputStream(input), EncryptionContext.empty())) {
      byte[] buffer = new byte[97];
      while (stream.read(buffer) != -1) {
        // Drain: every frame is decrypted and checked.
      }
    } catch (EnvelopeException expected) {
      // The library's own failure.
    }
    try {
      Envelope.inspectUnauthenticated(input);
    } catch (EnvelopeException expected) {
      // The library's own failure.
    }
    try {
      Envelope.inspectUnauthenticated(new ByteArrayInputStream(input));
    } catch (EnvelopeException expected) {
      // The library's own failure.
    }
  }
}
