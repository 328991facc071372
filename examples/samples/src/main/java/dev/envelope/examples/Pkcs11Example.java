package dev.envelope.examples;

import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.pkcs11.Pkcs11Config;
import dev.envelope.pkcs11.Pkcs11KeyInfo;
import dev.envelope.pkcs11.Pkcs11Keyring;
import dev.envelope.pkcs11.Pkcs11Token;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * A master key that never leaves an HSM: opens a PKCS#11 token (SoftHSM2 will do), creates an AES
 * key inside it unless one exists, and encrypts and decrypts with it. The data key is wrapped and
 * unwrapped inside the token; the master key cannot be exported.
 *
 * <p>Run (the PIN only from the environment, never on the command line):
 *
 * <pre>
 * softhsm2-util --init-token --free --label envelope-sample --so-pin 12345678 --pin 87654321
 * ENVELOPE_PKCS11_PIN=87654321 java -cp "examples/samples/target/classes:examples/samples/target/lib/*" dev.envelope.examples.Pkcs11Example \
 *     /usr/lib/softhsm/libsofthsm2.so envelope-sample
 * </pre>
 *
 * Library and token label may also come from {@code ENVELOPE_PKCS11_LIBRARY} and {@code
 * ENVELOPE_PKCS11_TOKEN}.
 */
public final class Pkcs11Example {
  /** The label of the AES key this sample creates in the token. */
  public static final String KEY_LABEL = "envelope-sample-aes";

  private Pkcs11Example() {}

  /** What the run found. */
  public record Result(String decrypted, boolean keyCreated, Pkcs11KeyInfo key) {}

  public static void main(String[] args) {
    run(args, System.getenv(), System.out);
  }

  /** Runs with the library and token from {@code args} or {@code env}, and the PIN from {@code env}. */
  static Result run(String[] args, Map<String, String> env, PrintStream out) {
    String library = args.length > 0 ? args[0] : env.get("ENVELOPE_PKCS11_LIBRARY");
    String token = args.length > 1 ? args[1] : env.get("ENVELOPE_PKCS11_TOKEN");
    String pin = env.get("ENVELOPE_PKCS11_PIN");
    if (library == null || token == null || pin == null) {
      throw new IllegalArgumentException("usage: ENVELOPE_PKCS11_PIN=... Pkcs11Example LIBRARY TOKEN_LABEL"
          + " (or set ENVELOPE_PKCS11_LIBRARY and ENVELOPE_PKCS11_TOKEN)");
    }
    char[] chars = pin.toCharArray();
    try {
      return run(Path.of(library), token, chars, out);
    } finally {
      Arrays.fill(chars, '\0');
    }
  }

  /** Runs the example against the token labelled {@code tokenLabel}, printing to {@code out}. */
  public static Result run(Path library, String tokenLabel, char[] pin, PrintStream out) {
    Pkcs11Token token = Pkcs11Token.open(Pkcs11Config.builder()
        .library(library.toAbsolutePath())
        .tokenLabel(tokenLabel)
        .pin(pin::clone) // asked once at login; the copy is zeroed right after
        .build());
    boolean created = token.listKeys().stream().noneMatch(k -> k.label().equals(KEY_LABEL));
    if (created) {
      token.createAesKey(KEY_LABEL); // generated inside the token: sensitive, non-extractable
    }
    Pkcs11KeyInfo key = token.describeKey(KEY_LABEL);
    out.println((created ? "created" : "found") + " AES key '" + KEY_LABEL + "' on " + token.description()
        + (key.exportable() ? " (EXPORTABLE: its bytes can leave the token)" : " (non-exportable: it never leaves the token)"));

    Pkcs11Keyring keyring = Pkcs11Keyring.builder()
        .token(token)
        .keyNamespace("examples-hsm") // the provider id written into messages
        .keyLabel(KEY_LABEL)
        .build();
    Envelope envelope = Envelope.builder().keyring(keyring).build();
    EncryptionContext context = EncryptionContext.of("tenant", "acme");
    byte[] message = envelope.encrypt("payroll batch 42".getBytes(StandardCharsets.UTF_8), context);
    out.println("encrypted " + message.length + " bytes; the data key was wrapped inside the token");
    String decrypted = new String(envelope.decrypt(message, context).plaintext(), StandardCharsets.UTF_8);
    out.println("decrypted: " + decrypted);
    return new Result(decrypted, created, key);
  }
}
