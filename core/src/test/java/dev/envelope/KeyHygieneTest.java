package dev.envelope;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.keyring.MultiKeyring;
import dev.envelope.keyring.RawAesKeyring;
import dev.envelope.testing.Messages;
import dev.envelope.testing.StaticKeyring;
import dev.envelope.testing.TestKeys;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Plaintext data keys are zeroed once an operation is done, on success and on failure, and no key
 * bytes or context values appear in {@code toString} or exception messages.
 */
class KeyHygieneTest {
  /** A distinctive key, easy to spot in hex or Base64 if it leaks. */
  private static final byte[] KEY = HexFormat.of().parseHex("c0ffee00deadbeef0badf00d5ec12e7c0ffee00deadbeef0badf00d5ec12e7a1");
  private static final String SECRET_VALUE = "SECRET-CONTEXT-VALUE-9f3e";

  /** Records every data key a keyring hands out. */
  private static final class RecordingKeyring implements Keyring {
    final Keyring delegate;
    final List<DataKey> keys = new CopyOnWriteArrayList<>();

    RecordingKeyring(Keyring delegate) {
      this.delegate = delegate;
    }

    @Override
    public EncryptionMaterials onEncrypt(EncryptionMaterials materials) {
      EncryptionMaterials result = delegate.onEncrypt(materials);
      result.dataKey().ifPresent(keys::add);
      return result;
    }

    @Override
    public DecryptionMaterials onDecrypt(DecryptionMaterials materials, List<EncryptedDataKey> edks) {
      DecryptionMaterials result = delegate.onDecrypt(materials, edks);
      result.dataKey().ifPresent(keys::add);
      return result;
    }

    void assertAllDestroyed(String after) {
      assertFalse(keys.isEmpty(), after + ": the keyring produced no key");
      for (DataKey key : keys) {
        assertTrue(key.isDestroyed(), after + ": a data key was left alive");
      }
      keys.clear();
    }
  }

  @Test
  void encryptDecrypt_everyPath_zeroesTheDataKey() throws IOException {
    RecordingKeyring keyring = new RecordingKeyring(StaticKeyring.of(KEY));
    Envelope envelope = Envelope.builder().keyring(keyring).build();
    EncryptionContext context = EncryptionContext.of("k", "v");

    byte[] message = envelope.encrypt(Messages.plaintext(1000), context);
    keyring.assertAllDestroyed("encrypt");

    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (OutputStream out = envelope.encryptingStream(sink, context)) {
      keyring.assertAllDestroyed("encryptingStream (keys derived, data key no longer needed)");
      out.write(Messages.plaintext(5000));
    }

    envelope.decrypt(message, context);
    keyring.assertAllDestroyed("decrypt");

    try (DecryptingStream stream = envelope.decryptingStream(new ByteArrayInputStream(sink.toByteArray()), context)) {
      keyring.assertAllDestroyed("decryptingStream (header verified)");
      assertEquals(5000, stream.readAllBytes().length);
    }

    byte[] tampered = message.clone();
    tampered[tampered.length - 120] ^= 1;
    assertThrows(AuthenticationFailedException.class, () -> envelope.decrypt(tampered, context));
    keyring.assertAllDestroyed("failed decrypt");
  }

  @Test
  void dataKey_afterClose_isZeroedAndUnusable() {
    DataKey key = DataKey.copyOf(KEY);
    DataKey same = DataKey.copyOf(KEY);
    assertTrue(key.sameKeyAs(same));
    assertArrayEquals(KEY, key.copyPlaintext());
    key.close();
    assertTrue(key.isDestroyed());
    assertThrows(IllegalStateException.class, key::copyPlaintext);
    assertThrows(IllegalStateException.class, () -> key.sameKeyAs(same));
    assertFalse(key.toString().toLowerCase(Locale.ROOT).contains("c0ffee"));
  }

  @Test
  void toStrings_neverShowKeysOrContextValues() {
    RawAesKeyring aes =
        RawAesKeyring.builder().keyNamespace("ns").keyName("name").wrappingKey(KEY).build();
    EncryptionContext context = EncryptionContext.of("tenant", SECRET_VALUE);
    DataKey dataKey = DataKey.copyOf(KEY);
    EncryptionMaterials materials =
        EncryptionMaterials.builder(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY, context).build().withDataKey(dataKey);
    Envelope envelope = Envelope.builder().keyring(aes).build();
    byte[] message = envelope.encrypt(new byte[3], context);
    List<String> strings = new ArrayList<>();
    strings.add(aes.toString());
    strings.add(MultiKeyring.of(aes).toString());
    strings.add(StaticKeyring.of(KEY).toString());
    strings.add(context.toString());
    strings.add(dataKey.toString());
    strings.add(materials.toString());
    strings.add(envelope.toString());
    strings.add(Envelope.inspectUnauthenticated(message).toString());
    strings.add(Envelope.inspectUnauthenticated(message).encryptedDataKeys().get(0).toString());
    strings.add(envelope.decrypt(message, context).toString());
    strings.forEach(KeyHygieneTest::assertClean);
  }

  /** Every failure a caller can provoke: messages (and causes, and suppressed) stay clean. */
  @Test
  void exceptions_neverShowKeysOrContextValues() {
    EncryptionContext context = EncryptionContext.of("tenant", SECRET_VALUE);
    RawAesKeyring aes = RawAesKeyring.builder().keyNamespace("ns").keyName("name").wrappingKey(KEY).build();
    Envelope envelope = Envelope.builder().keyring(aes).build();
    byte[] message = envelope.encrypt(new byte[3], context);

    List<Throwable> failures = new ArrayList<>();
    failures.add(
        assertThrows(
            ContextMismatchException.class,
            () -> envelope.decrypt(message, EncryptionContext.of("tenant", SECRET_VALUE + "x"))));
    failures.add(
        assertThrows(
            ContextMismatchException.class,
            () -> envelope.decrypt(message, EncryptionContext.of("other", SECRET_VALUE))));
    Envelope wrongKey =
        Envelope.builder()
            .keyring(
                MultiKeyring.of(
                    RawAesKeyring.builder().keyNamespace("ns").keyName("name").wrappingKey(new byte[32]).build(),
                    StaticKeyring.of(KEY)))
            .build();
    failures.add(assertThrows(NoMatchingKeyException.class, () -> wrongKey.decrypt(message, context)));
    byte[] tampered = message.clone();
    tampered[tampered.length - 1] ^= 1;
    failures.add(assertThrows(AuthenticationFailedException.class, () -> envelope.decrypt(tampered, context)));
    failures.add(
        assertThrows(
            IllegalArgumentException.class,
            () -> envelope.encrypt(new byte[1], EncryptionContext.of("aws-crypto-x", SECRET_VALUE))));
    for (Throwable failure : failures) {
      assertCleanDeep(failure);
    }
  }

  private static void assertCleanDeep(Throwable t) {
    for (Throwable cause = t; cause != null; cause = cause.getCause()) {
      assertClean(String.valueOf(cause.getMessage()));
      assertClean(cause.toString());
      for (Throwable suppressed : cause.getSuppressed()) {
        assertCleanDeep(suppressed);
      }
    }
  }

  private static void assertClean(String s) {
    String lower = s.toLowerCase(Locale.ROOT);
    assertFalse(lower.contains(HexFormat.of().formatHex(KEY, 0, 8)), "key hex in: " + s);
    assertFalse(s.contains(Base64.getEncoder().encodeToString(KEY).substring(0, 12)), "key Base64 in: " + s);
    assertFalse(s.contains(SECRET_VALUE), "context value in: " + s);
  }
}
