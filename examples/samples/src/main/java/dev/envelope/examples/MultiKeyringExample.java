package dev.envelope.examples;

import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.keyring.MultiKeyring;
import dev.envelope.keyring.RawAesKeyring;
import dev.envelope.keyring.RawRsaKeyring;
import dev.envelope.keyring.RsaPadding;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Encrypts once for two master keys: the everyday AES key and an RSA "break-glass" recovery key
 * whose private half is kept offline. Either one alone decrypts the message.
 *
 * <p>Run: {@code java -cp "examples/samples/target/classes:examples/samples/target/lib/*" dev.envelope.examples.MultiKeyringExample}
 */
public final class MultiKeyringExample {
  private MultiKeyringExample() {}

  public static void main(String[] args) throws GeneralSecurityException {
    run(System.out);
  }

  /**
   * Runs the example, printing to {@code out}.
   *
   * @return the plaintexts recovered by the AES keyring alone and by the RSA keyring alone
   */
  public static String[] run(PrintStream out) throws GeneralSecurityException {
    byte[] aesKey = new byte[32];
    new SecureRandom().nextBytes(aesKey);
    RawAesKeyring daily = RawAesKeyring.builder()
        .keyNamespace("examples").keyName("daily-aes").wrappingKey(aesKey).build();
    Arrays.fill(aesKey, (byte) 0);

    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(3072);
    KeyPair recovery = generator.generateKeyPair();

    // Encrypting needs only the recovery key's public half.
    RawRsaKeyring recoveryPublic = RawRsaKeyring.builder()
        .keyNamespace("examples").keyName("recovery-rsa").padding(RsaPadding.OAEP_SHA256_MGF1)
        .publicKey(recovery.getPublic()).build();

    // The generator makes the data key; every child adds its own wrapped copy.
    Envelope writer = Envelope.builder().keyring(MultiKeyring.of(daily, recoveryPublic)).build();
    EncryptionContext context = EncryptionContext.of("dataset", "payroll-2024");
    byte[] message = writer.encrypt("salaries.csv contents".getBytes(StandardCharsets.UTF_8), context);
    out.println("one message, " + Envelope.inspectUnauthenticated(message).encryptedDataKeys().size()
        + " wrapped copies of its data key: " + Envelope.inspectUnauthenticated(message).encryptedDataKeys());

    Envelope dailyReader = Envelope.builder().keyring(daily).build();
    String viaAes = new String(dailyReader.decrypt(message, context).plaintext(), StandardCharsets.UTF_8);
    out.println("decrypted with the AES key alone: " + viaAes);

    RawRsaKeyring recoveryPrivate = RawRsaKeyring.builder()
        .keyNamespace("examples").keyName("recovery-rsa").padding(RsaPadding.OAEP_SHA256_MGF1)
        .privateKey(recovery.getPrivate()).build();
    Envelope recoveryReader = Envelope.builder().keyring(recoveryPrivate).build();
    String viaRsa = new String(recoveryReader.decrypt(message, context).plaintext(), StandardCharsets.UTF_8);
    out.println("decrypted with the recovery RSA key alone: " + viaRsa);
    return new String[] {viaAes, viaRsa};
  }
}
