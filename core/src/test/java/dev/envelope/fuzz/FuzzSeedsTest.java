package dev.envelope.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.envelope.AlgorithmSuite;
import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.testing.Messages;
import dev.envelope.testing.StaticKeyring;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The fuzz seeds are what makes the fuzzer reach frames and footers: this checks they are all
 * there and still valid messages that decrypt under {@link FuzzTarget#READER}. Regenerate them
 * with {@link #main} (from the {@code core} directory, test classpath).
 */
class FuzzSeedsTest {
  static final String SEED_DIR = "MessageParserFuzzTestInputs/parse_anyBytes_throwsOnlyEnvelopeExceptions";

  static List<String> names() {
    return Stream.of(AlgorithmSuite.values())
        .flatMap(s -> Stream.of(seedName(s, true), seedName(s, false)))
        .collect(Collectors.toList());
  }

  static String seedName(AlgorithmSuite suite, boolean framed) {
    return String.format(Locale.ROOT, "seed-%04x-%s", suite.id(), framed ? "framed" : "nonframed");
  }

  static byte[] seedMessage(AlgorithmSuite suite, boolean framed) {
    StaticKeyring keyring = StaticKeyring.of(FuzzTarget.KEY);
    return framed
        ? Messages.envelope(keyring, suite, 16).encrypt(Messages.plaintext(40), EncryptionContext.of("a", "b"))
        : Messages.nonFramedEnvelope(keyring, suite).encrypt(Messages.plaintext(20), EncryptionContext.empty());
  }

  @Test
  void seeds_everySuiteFramedAndNot_decrypt() throws IOException, URISyntaxException {
    URL dir = FuzzSeedsTest.class.getResource(SEED_DIR);
    assertNotNull(dir, "fuzz seed directory missing: " + SEED_DIR);
    Path path = Paths.get(dir.toURI());
    List<String> present;
    try (Stream<Path> files = Files.list(path)) {
      present = files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("seed-")).sorted().collect(Collectors.toList());
    }
    assertEquals(names().stream().sorted().collect(Collectors.toList()), present);
    for (AlgorithmSuite suite : AlgorithmSuite.values()) {
      for (boolean framed : new boolean[] {true, false}) {
        byte[] seed = Files.readAllBytes(path.resolve(seedName(suite, framed)));
        assertEquals(suite, Envelope.inspectUnauthenticated(seed).algorithmSuite());
        assertArrayEquals(
            Messages.plaintext(framed ? 40 : 20),
            FuzzTarget.READER.decrypt(seed, EncryptionContext.empty()).plaintext(),
            seedName(suite, framed));
      }
    }
  }

  /** Writes the seeds into {@code src/test/resources/dev/envelope/fuzz/} (run from {@code core/}). */
  public static void main(String[] args) throws IOException {
    Path dir = Paths.get("src/test/resources/dev/envelope/fuzz", SEED_DIR);
    Files.createDirectories(dir);
    for (AlgorithmSuite suite : AlgorithmSuite.values()) {
      for (boolean framed : new boolean[] {true, false}) {
        Files.write(dir.resolve(seedName(suite, framed)), seedMessage(suite, framed));
      }
    }
  }
}
