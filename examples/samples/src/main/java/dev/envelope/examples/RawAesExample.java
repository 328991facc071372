package dev.envelope.examples;

import dev.envelope.AuthenticationFailedException;
import dev.envelope.Decrypted;
import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.keyring.RawAesKeyring;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Encrypts and decrypts a string with an AES key the application holds (a raw AES keyring), bound
 * to an encryption context, and shows that the wrong context is rejected.
 *
 * <p>Run: {@code mvn -q -pl examples/samples -am package -DskipTests && java -cp
 * "examples/samples/target/classes:examples/samples/target/lib/*" dev.envelope.examples.RawAesExample}
 */
public final class RawAesExample {
  private RawAesExample() {}

  public static void main(String[] args) {
    run(System.out);
  }

  /** Runs the example, printing what happens to {@code out}; returns the decrypted text. */
  public static String run(PrintStream out) {
    // In production the key comes from a secret store or an HSM; 32 random bytes stand in for it.
    byte[] keyBytes = new byte[32];
    new SecureRandom().nextBytes(keyBytes);
    RawAesKeyring keyring = RawAesKeyring.builder()
        .keyNamespace("examples")  // the ESDK's provider id: must match when decrypting
        .keyName("orders-key-1")   // the key's name within the namespace
        .wrappingKey(keyBytes)     // copied; zero our array right away
        .build();
    Arrays.fill(keyBytes, (byte) 0);

    Envelope envelope = Envelope.builder().keyring(keyring).build();

    // The context is authenticated, not secret: say what the data is and who it is for.
    EncryptionContext context = EncryptionContext.of("tenant", "acme", "purpose", "order-export");
    byte[] message = envelope.encrypt("order #1234: 3 widgets".getBytes(StandardCharsets.UTF_8), context);
    out.println("encrypted into " + message.length + " bytes, suite "
        + Envelope.inspectUnauthenticated(message).algorithmSuite().idHex());

    Decrypted decrypted = envelope.decrypt(message, context);
    String text = new String(decrypted.plaintext(), StandardCharsets.UTF_8);
    out.println("decrypted with the expected context: " + text);

    try {
      envelope.decrypt(message, EncryptionContext.of("tenant", "other-tenant"));
      throw new IllegalStateException("a wrong context must not decrypt");
    } catch (AuthenticationFailedException expected) {
      out.println("a wrong context is rejected: " + expected.getClass().getSimpleName());
    }
    return text;
  }
}
