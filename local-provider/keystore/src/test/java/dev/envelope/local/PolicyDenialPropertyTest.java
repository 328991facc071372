package dev.envelope.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.EncryptionContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.StringLength;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Denials never leak context values: for any disallowed value of a non-loggable key, neither the
 * exception nor the audit event contains it; and any allowed value passes.
 */
class PolicyDenialPropertyTest {
  private static Path dir;
  private static LocalKeyStore store;
  private static final List<AuditEvent> EVENTS = new ArrayList<>();

  @BeforeContainer
  static void open() throws IOException {
    dir = Files.createTempDirectory("keystore-policy-property");
    store = Fixtures.store(dir).auditLog(false).auditListener(EVENTS::add).create();
    KeyPolicy policy = KeyPolicy.defaultPolicy().toBuilder()
        .requireContextKey("tenant").allowContextValues("tenant", "acme", "globex").build();
    store.createKey(CreateKeyRequest.builder().alias("p").policy(policy).build());
  }

  @AfterContainer
  static void close() throws IOException {
    store.close();
    Fixtures.deleteRecursively(dir);
  }

  @Property(tries = 200)
  void disallowedValue_neverAppearsInDenial(@ForAll @AlphaChars @StringLength(min = 6, max = 30) String value) {
    if (value.equals("acme") || value.equals("globex")) {
      return;
    }
    EncryptionContext ctx = EncryptionContext.of("tenant", value);
    KeyPolicyViolationException e =
        assertThrows(KeyPolicyViolationException.class, () -> store.encrypt("p", new byte[1], ctx));
    AuditEvent last = EVENTS.get(EVENTS.size() - 1);

    assertEquals(AuditOutcome.DENIED, last.outcome());
    assertFalse(e.getMessage().contains(value));
    assertFalse(last.toString().contains(value));
    assertTrue(last.loggedContext().isEmpty());
  }

  @Property(tries = 50)
  void allowedValue_withAnyOtherPairs_passes(@ForAll @AlphaChars @StringLength(min = 1, max = 10) String otherKey) {
    if (otherKey.equals("tenant")) {
      return;
    }
    EncryptionContext ctx = EncryptionContext.of("tenant", "globex", otherKey, "v");
    byte[] blob = store.encrypt("p", new byte[] {1}, ctx);
    assertEquals(1, store.decrypt(blob, ctx).plaintext()[0]);
  }
}
