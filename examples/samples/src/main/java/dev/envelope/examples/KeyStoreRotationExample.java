package dev.envelope.examples;

import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.local.AuditVerification;
import dev.envelope.local.CreateKeyRequest;
import dev.envelope.local.KekSource;
import dev.envelope.local.KeyMetadata;
import dev.envelope.local.LocalKeyStore;
import dev.envelope.local.PassphraseKdfParameters;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The embedded default: a local key store in a directory, sealed under a passphrase. Creates a
 * key, encrypts, rotates the key, encrypts again, decrypts both messages (each names the key
 * version it was wrapped under), and verifies the audit log's hash chain.
 *
 * <p>Run: {@code ENVELOPE_KEYSTORE_PASSPHRASE=... java -cp "examples/samples/target/classes:examples/samples/target/lib/*"
 * dev.envelope.examples.KeyStoreRotationExample [NEW_STORE_DIR]}
 */
public final class KeyStoreRotationExample {
  private KeyStoreRotationExample() {}

  /** What the run found. */
  public record Result(KeyMetadata key, String firstDecrypted, String secondDecrypted, AuditVerification audit) {}

  public static void main(String[] args) throws IOException {
    String passphrase = System.getenv("ENVELOPE_KEYSTORE_PASSPHRASE");
    if (passphrase == null || passphrase.isEmpty()) {
      System.err.println("set ENVELOPE_KEYSTORE_PASSPHRASE to the passphrase for the new key store");
      System.exit(2);
    }
    Path directory = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("envelope-keystore-example-");
    char[] chars = passphrase.toCharArray();
    try {
      run(directory, chars, PassphraseKdfParameters.defaults(), System.out);
    } finally {
      Arrays.fill(chars, '\0');
    }
  }

  /**
   * Runs the example in a new key store at {@code directory}, printing to {@code out}.
   *
   * @param kdf the Argon2id cost of deriving the store's key from the passphrase (use the defaults)
   */
  public static Result run(Path directory, char[] passphrase, PassphraseKdfParameters kdf, PrintStream out) {
    KekSource kek = KekSource.passphrase(passphrase, kdf); // copies the passphrase
    try (LocalKeyStore store = LocalKeyStore.builder(directory).kek(kek).callerLabel("invoice-service").create()) {
      kek.destroy();
      KeyMetadata key = store.createKey(CreateKeyRequest.builder().alias("invoices").description("invoice PDFs").build());
      out.println("created key 'invoices' (" + key.keyId() + "), version " + key.primaryVersion());

      Envelope envelope = Envelope.builder().keyring(store.keyring("invoices")).build();
      EncryptionContext context = EncryptionContext.of("tenant", "acme", "document", "invoice-2025-001");
      byte[] first = envelope.encrypt("invoice 2025-001: 3 widgets".getBytes(StandardCharsets.UTF_8), context);

      key = store.rotateKey("invoices");
      out.println("rotated: version " + key.primaryVersion() + " is primary; version 1 stays to decrypt old messages");
      byte[] second = envelope.encrypt("invoice 2025-002: 5 gadgets".getBytes(StandardCharsets.UTF_8), context);

      String a = new String(envelope.decrypt(first, context).plaintext(), StandardCharsets.UTF_8);
      String b = new String(envelope.decrypt(second, context).plaintext(), StandardCharsets.UTF_8);
      out.println("decrypted the message from before the rotation: " + a);
      out.println("decrypted the message from after the rotation: " + b);

      AuditVerification audit = store.verifyAuditLog();
      out.println("audit log " + store.auditLogFile() + ": " + audit.records() + " records, hash chain "
          + (audit.isValid() ? "verified" : "BROKEN at line " + audit.firstBadLine().getAsLong()));
      return new Result(key, a, b, audit);
    } finally {
      kek.destroy();
    }
  }
}
