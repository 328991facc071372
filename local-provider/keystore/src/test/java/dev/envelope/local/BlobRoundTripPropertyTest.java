package dev.envelope.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.envelope.EncryptionContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/** Properties of the store's small-blob encryption (jqwik; kept apart from the JUnit classes). */
class BlobRoundTripPropertyTest {

  private static Path propertyDir;
  private static LocalKeyStore propertyStore;

  @BeforeContainer
  static void openPropertyStore() throws IOException {
    propertyDir = Files.createTempDirectory("keystore-property");
    propertyStore = Fixtures.store(propertyDir).auditLog(false).create();
    propertyStore.createKey(CreateKeyRequest.withAlias("p"));
  }

  @AfterContainer
  static void closePropertyStore() throws IOException {
    propertyStore.close();
    Fixtures.deleteRecursively(propertyDir);
  }

  @Property(tries = 200)
  void blob_anyPlaintextAndContext_roundTrips(
      @ForAll @Size(max = 4096) byte[] plaintext, @ForAll("contexts") Map<String, String> pairs) {
    EncryptionContext context = EncryptionContext.from(pairs);
    byte[] blob = propertyStore.encrypt("p", plaintext, context);
    try (DecryptResult r = propertyStore.decrypt(blob, context)) {
      assertArrayEquals(plaintext, r.plaintext());
    }
  }

  @Provide
  Arbitrary<Map<String, String>> contexts() {
    Arbitrary<String> text = Arbitraries.strings().ofMinLength(1).ofMaxLength(20).alpha().numeric().withChars("-_ é中");
    return Arbitraries.maps(text, text).ofMaxSize(5).map(HashMap::new);
  }
}
