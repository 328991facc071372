package dev.envelope.observe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.AlgorithmSuite;
import dev.envelope.AuthenticationFailedException;
import dev.envelope.ContextMismatchException;
import dev.envelope.DecryptingStream;
import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.NoMatchingKeyException;
import dev.envelope.RewrapRequest;
import dev.envelope.keyring.MultiKeyring;
import dev.envelope.keyring.RawAesKeyring;
import dev.envelope.materials.DefaultMaterialsManager;
import dev.envelope.testing.ByteArrayChannel;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every operation form reports its start, its keyring calls and its end with the right attributes. */
class ObservedOperationsTest {
  static final AlgorithmSuite S0478 = AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY;
  static final String SECRET_VALUE = "value-that-must-never-be-reported";
  static final byte[] PLAINTEXT =
      ("plaintext-that-must-never-be-reported " + "x".repeat(3000)).getBytes(StandardCharsets.UTF_8);
  static final EncryptionContext CONTEXT =
      EncryptionContext.of("tenant", "acme", "secret", SECRET_VALUE);

  static RawAesKeyring aes(String namespace, String name, int seed) {
    byte[] key = new byte[32];
    for (int i = 0; i < key.length; i++) {
      key[i] = (byte) (seed + i);
    }
    return RawAesKeyring.builder().keyNamespace(namespace).keyName(name).wrappingKey(key).build();
  }

  static final RawAesKeyring KEYRING = aes("ns-a", "key-a", 1);
  static final RawAesKeyring OTHER = aes("ns-b", "key-b", 2);

  static Envelope envelope(RecordingObserver observer) {
    return Envelope.builder().keyring(KEYRING).algorithmSuite(S0478).observer(observer).build();
  }

  static byte[] message() {
    return Envelope.builder().keyring(KEYRING).algorithmSuite(S0478).build().encrypt(PLAINTEXT, CONTEXT);
  }

  static void assertNoSecrets(RecordingObserver observer) {
    String all = observer.everything();
    assertFalse(all.contains(SECRET_VALUE), all);
    assertFalse(all.contains("acme"), all);
    assertFalse(all.contains("plaintext-that-must"), all);
  }

  @Test
  void encrypt_observed_reportsSuiteSizesContextKeysAndItsWrap() {
    RecordingObserver observer = new RecordingObserver();
    byte[] message = envelope(observer).encrypt(PLAINTEXT, CONTEXT);

    assertEquals(
        List.of("started ENCRYPT", "call KeyringCall[RawAesKeyring wrap]", "called", "ended SUCCESS"),
        observer.kinds());
    OperationResult r = observer.only();
    assertEquals(Operation.ENCRYPT, r.operation());
    assertFalse(r.streaming());
    assertEquals(Optional.of(S0478), r.suite());
    assertEquals(OptionalLong.of(PLAINTEXT.length), r.plaintextBytes());
    assertEquals(OptionalLong.of(message.length), r.messageBytes());
    assertEquals(List.of("secret", "tenant"), r.contextKeys());
    assertEquals(Map.of(), r.contextValues());
    assertEquals(1, r.encryptedDataKeys());
    assertEquals(List.of("ns-a"), r.keyProviderIds());
    assertEquals(Outcome.SUCCESS, r.outcome());
    assertEquals(Optional.empty(), r.failure());
    assertTrue(r.durationNanos() > 0);
    KeyringCallResult call = observer.keyringResults.get(0);
    assertEquals(Outcome.SUCCESS, call.outcome());
    assertEquals(List.of("ns-a"), call.keyProviderIds());
    assertNoSecrets(observer);
  }

  @Test
  void encryptAndDecrypt_defaultSigningSuite_reportPublicKeyFieldAsAKeyOnly() {
    RecordingObserver observer = new RecordingObserver();
    Envelope envelope = Envelope.builder().keyring(KEYRING).observer(observer).build();
    envelope.decrypt(envelope.encrypt(PLAINTEXT, CONTEXT), CONTEXT);

    for (OperationResult r : observer.results) {
      assertEquals(Optional.of(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384), r.suite());
      assertEquals(List.of(EncryptionContext.PUBLIC_KEY_FIELD, "secret", "tenant"), r.contextKeys());
      assertEquals(Map.of(), r.contextValues());
    }
    assertEquals(2, observer.results.size());
    assertNoSecrets(observer);
  }

  @Test
  void decrypt_observed_reportsItsUnwrapAndSizes() {
    byte[] message = message();
    RecordingObserver observer = new RecordingObserver();
    assertArrayEquals(PLAINTEXT, envelope(observer).decrypt(message, CONTEXT).plaintext());

    assertEquals(
        List.of("started DECRYPT", "call KeyringCall[RawAesKeyring unwrap]", "called", "ended SUCCESS"),
        observer.kinds());
    OperationResult r = observer.only();
    assertEquals(Operation.DECRYPT, r.operation());
    assertEquals(Optional.of(S0478), r.suite());
    assertEquals(OptionalLong.of(PLAINTEXT.length), r.plaintextBytes());
    assertEquals(OptionalLong.of(message.length), r.messageBytes());
    assertEquals(List.of("secret", "tenant"), r.contextKeys());
    assertEquals(1, r.encryptedDataKeys());
    assertEquals(List.of("ns-a"), r.keyProviderIds());
    assertNoSecrets(observer);
  }

  @Test
  void encryptingStream_closed_endsSuccessfullyWithSizes() throws IOException {
    RecordingObserver observer = new RecordingObserver();
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    OutputStream stream = envelope(observer).encryptingStream(sink, CONTEXT);
    assertEquals(
        List.of("started ENCRYPT stream", "call KeyringCall[RawAesKeyring wrap]", "called"), observer.kinds());
    stream.write(PLAINTEXT, 0, 100);
    stream.write(PLAINTEXT, 100, PLAINTEXT.length - 100);
    assertTrue(observer.results.isEmpty());
    stream.close();

    OperationResult r = observer.only();
    assertTrue(r.streaming());
    assertEquals(Outcome.SUCCESS, r.outcome());
    assertEquals(OptionalLong.of(PLAINTEXT.length), r.plaintextBytes());
    assertEquals(OptionalLong.of(sink.size()), r.messageBytes());
    assertEquals(1, r.encryptedDataKeys());
    stream.close();
    assertEquals(1, observer.results.size(), "a second close reports nothing more");
    assertArrayEquals(PLAINTEXT, envelope(new RecordingObserver()).decrypt(sink.toByteArray(), CONTEXT).plaintext());
    assertNoSecrets(observer);
  }

  @Test
  void encryptingStream_writePastBound_endsWithTheFailureType() {
    RecordingObserver observer = new RecordingObserver();
    OutputStream stream = envelope(observer).encryptingStream(new ByteArrayOutputStream(), CONTEXT, 10);
    assertThrows(RuntimeException.class, () -> stream.write(PLAINTEXT));
    OperationResult r = observer.only();
    assertEquals(Outcome.FAILURE, r.outcome());
    assertTrue(r.failure().isPresent());
    assertFalse(r.failure().get().contains(" "), "a type name, not a message: " + r.failure());
  }

  @Test
  void decryptingStream_readToEndThenClosed_endsSuccessfully() throws IOException {
    byte[] message = message();
    RecordingObserver observer = new RecordingObserver();
    DecryptingStream stream = envelope(observer).decryptingStream(new ByteArrayInputStream(message), CONTEXT);
    assertArrayEquals(PLAINTEXT, stream.readAllBytes());
    assertTrue(observer.results.isEmpty(), "ends at close, not before");
    stream.close();

    assertEquals(
        List.of("started DECRYPT stream", "call KeyringCall[RawAesKeyring unwrap]", "called", "ended SUCCESS"),
        observer.kinds());
    OperationResult r = observer.only();
    assertEquals(OptionalLong.of(PLAINTEXT.length), r.plaintextBytes());
    assertEquals(OptionalLong.of(message.length), r.messageBytes());
    assertEquals(List.of("secret", "tenant"), r.contextKeys());
    assertNoSecrets(observer);
  }

  @Test
  void decryptingStream_closedBeforeEnd_endsFailedClosedBeforeEnd() throws IOException {
    RecordingObserver observer = new RecordingObserver();
    DecryptingStream stream = envelope(observer).decryptingStream(new ByteArrayInputStream(message()), CONTEXT);
    stream.read(new byte[10]);
    stream.close();
    OperationResult r = observer.only();
    assertEquals(Outcome.FAILURE, r.outcome());
    assertEquals(Optional.of("ClosedBeforeEnd"), r.failure());
  }

  @Test
  void decryptingStream_tampered_endsAtTheFailingReadWithItsType() throws IOException {
    byte[] message = message();
    message[message.length - 20] ^= 1;
    RecordingObserver observer = new RecordingObserver();
    DecryptingStream stream = envelope(observer).decryptingStream(new ByteArrayInputStream(message), CONTEXT);
    assertThrows(AuthenticationFailedException.class, stream::readAllBytes);
    assertEquals(Optional.of("AuthenticationFailedException"), observer.only().failure());
    stream.close();
    assertEquals(1, observer.results.size());
  }

  @Test
  void rewrap_bytesAndStream_reportTheUnwrapThenTheWrap() {
    byte[] message = message();
    RecordingObserver observer = new RecordingObserver();
    RewrapRequest request = RewrapRequest.to(OTHER).reencrypt().build();
    byte[] rewrapped = envelope(observer).rewrap(message, CONTEXT, request);

    assertEquals(
        List.of(
            "started REWRAP",
            "call KeyringCall[RawAesKeyring unwrap]",
            "called",
            "call KeyringCall[RawAesKeyring wrap]",
            "called",
            "ended SUCCESS"),
        observer.kinds());
    OperationResult r = observer.only();
    assertEquals(OptionalLong.of(rewrapped.length), r.messageBytes());
    assertEquals(List.of("ns-b"), observer.keyringResults.get(1).keyProviderIds());
    assertNoSecrets(observer);

    RecordingObserver streamed = new RecordingObserver();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    envelope(streamed).rewrap(new ByteArrayInputStream(message), out, CONTEXT, request);
    assertEquals(
        List.of(
            "started REWRAP stream",
            "call KeyringCall[RawAesKeyring unwrap]",
            "called",
            "call KeyringCall[RawAesKeyring wrap]",
            "called",
            "ended SUCCESS"),
        streamed.kinds());
    assertEquals(OptionalLong.of(out.size()), streamed.only().messageBytes());
    assertNoSecrets(streamed);
  }

  @Test
  void openPlaintextChannel_closed_endsSuccessfullyWithBytesRead() throws IOException {
    byte[] message = message();
    RecordingObserver observer = new RecordingObserver();
    SeekableByteChannel channel = envelope(observer).openPlaintextChannel(new ByteArrayChannel(message), CONTEXT);
    ByteBuffer buffer = ByteBuffer.allocate(64);
    channel.position(5).read(buffer);
    assertTrue(observer.results.isEmpty());
    channel.close();

    assertEquals(
        List.of("started OPEN_CHANNEL stream", "call KeyringCall[RawAesKeyring unwrap]", "called", "ended SUCCESS"),
        observer.kinds());
    OperationResult r = observer.only();
    assertEquals(OptionalLong.of(64), r.plaintextBytes());
    assertEquals(OptionalLong.of(message.length), r.messageBytes());
    assertNoSecrets(observer);
  }

  @Test
  void decrypt_failures_reportTheExceptionTypeNeverItsMessage() {
    byte[] message = message();
    RecordingObserver wrongContext = new RecordingObserver();
    assertThrows(
        ContextMismatchException.class,
        () -> envelope(wrongContext).decrypt(message, EncryptionContext.of("tenant", "other")));
    assertEquals(List.of("started DECRYPT", "ended FAILURE"), wrongContext.kinds());
    assertEquals(Optional.of("ContextMismatchException"), wrongContext.only().failure());
    assertEquals(Optional.of(S0478), wrongContext.only().suite());

    byte[] tampered = message.clone();
    tampered[tampered.length - 1] ^= 1;
    RecordingObserver tamper = new RecordingObserver();
    assertThrows(AuthenticationFailedException.class, () -> envelope(tamper).decrypt(tampered, CONTEXT));
    assertEquals(Optional.of("AuthenticationFailedException"), tamper.only().failure());

    RecordingObserver noKey = new RecordingObserver();
    Envelope other = Envelope.builder().keyring(OTHER).observer(noKey).build();
    assertThrows(NoMatchingKeyException.class, () -> other.decrypt(message, CONTEXT));
    assertEquals(
        List.of("started DECRYPT", "call KeyringCall[RawAesKeyring unwrap]", "called", "ended FAILURE"),
        noKey.kinds());
    assertEquals(Optional.of("NoMatchingKeyException"), noKey.keyringResults.get(0).failure());
    assertEquals(Outcome.FAILURE, noKey.keyringResults.get(0).outcome());
    assertEquals(Optional.of("NoMatchingKeyException"), noKey.only().failure());

    RecordingObserver garbage = new RecordingObserver();
    assertThrows(RuntimeException.class, () -> envelope(garbage).decrypt(new byte[] {1, 2, 3}, CONTEXT));
    assertEquals(Optional.empty(), garbage.only().suite());
    assertEquals(Outcome.FAILURE, garbage.only().outcome());

    for (RecordingObserver o : List.of(wrongContext, tamper, noKey, garbage)) {
      assertNoSecrets(o);
      assertFalse(o.everything().contains("could not"), "no exception message: " + o.everything());
    }
  }

  @Test
  void observer_allowList_onlyAllowListedContextValuesAreReported() {
    RecordingObserver observer = new RecordingObserver(Set.of("tenant", "absent"));
    Envelope envelope = envelope(observer);
    envelope.decrypt(envelope.encrypt(PLAINTEXT, CONTEXT), CONTEXT);
    for (OperationResult r : observer.results) {
      assertEquals(Map.of("tenant", "acme"), r.contextValues());
    }
    assertFalse(observer.everything().contains(SECRET_VALUE));
  }

  @Test
  void keyringCall_envelopeWithoutObserver_runsWithNoObservationCurrent() {
    envelope(new RecordingObserver()).encrypt(PLAINTEXT, CONTEXT); // an observer exists in this JVM
    List<Object> seen = new java.util.ArrayList<>();
    dev.envelope.Keyring spy =
        new dev.envelope.Keyring() {
          @Override
          public dev.envelope.EncryptionMaterials onEncrypt(dev.envelope.EncryptionMaterials materials) {
            seen.add(String.valueOf(dev.envelope.internal.observe.Observation.current()));
            return KEYRING.onEncrypt(materials);
          }

          @Override
          public dev.envelope.DecryptionMaterials onDecrypt(
              dev.envelope.DecryptionMaterials materials, List<dev.envelope.EncryptedDataKey> keys) {
            seen.add(String.valueOf(dev.envelope.internal.observe.Observation.current()));
            return KEYRING.onDecrypt(materials, keys);
          }
        };
    Envelope plain = Envelope.builder().keyring(spy).algorithmSuite(S0478).build();
    plain.decrypt(plain.encrypt(PLAINTEXT, CONTEXT), CONTEXT);
    assertEquals(List.of("null", "null"), seen);
  }

  @Test
  void keyringCall_multiKeyring_childCallsNestInsideTheirParent() {
    RecordingObserver observer = new RecordingObserver();
    MultiKeyring multi = MultiKeyring.of(KEYRING, OTHER);
    Envelope envelope =
        Envelope.builder()
            .materialsManager(new DefaultMaterialsManager(multi))
            .algorithmSuite(S0478)
            .observer(observer)
            .build();
    byte[] message = envelope.encrypt(PLAINTEXT, CONTEXT);
    assertEquals(
        List.of(
            "started ENCRYPT",
            "call KeyringCall[MultiKeyring wrap]",
            "call KeyringCall[RawAesKeyring wrap]",
            "called",
            "call KeyringCall[RawAesKeyring wrap]",
            "called",
            "called",
            "ended SUCCESS"),
        observer.kinds());
    assertEquals(List.of("ns-a"), observer.keyringResults.get(0).keyProviderIds());
    assertEquals(List.of("ns-b"), observer.keyringResults.get(1).keyProviderIds());
    assertEquals(List.of("ns-a", "ns-b"), observer.keyringResults.get(2).keyProviderIds());
    assertEquals(List.of("ns-a", "ns-b"), observer.only().keyProviderIds());
    assertEquals(2, observer.only().encryptedDataKeys());

    RecordingObserver reader = new RecordingObserver();
    Envelope.builder().keyring(MultiKeyring.of(OTHER, KEYRING)).observer(reader).build().decrypt(message, CONTEXT);
    assertEquals(
        List.of(
            "started DECRYPT",
            "call KeyringCall[MultiKeyring unwrap]",
            "call KeyringCall[RawAesKeyring unwrap]",
            "called",
            "called",
            "ended SUCCESS"),
        reader.kinds());
  }
}
