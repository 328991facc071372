package dev.envelope.properties;

import static dev.envelope.properties.Rejections.assertRejected;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.AlgorithmSuite;
import dev.envelope.AuthenticationFailedException;
import dev.envelope.CommitmentPolicy;
import dev.envelope.Decrypted;
import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.EnvelopeException;
import dev.envelope.Keyring;
import dev.envelope.MalformedMessageException;
import dev.envelope.NoMatchingKeyException;
import dev.envelope.PolicyViolationException;
import dev.envelope.RewrapRequest;
import dev.envelope.keyring.RawAesKeyring;
import dev.envelope.testing.ByteArrayChannel;
import dev.envelope.testing.Messages;
import dev.envelope.testing.TestKeys;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Rewrap and random access, for any plaintext, context, frame size and suite: rewrapping and then
 * decrypting gives what decrypting gives; any change to the input makes an in-memory rewrap fail
 * and return nothing (and a streamed one fail before writing anything, when the change is in the
 * header); any range read through a plaintext channel is the slice of the plaintext.
 */
class RewrapPropertiesTest {
  static final Keyring OLD = TestKeys.aes256Keyring();
  static final Keyring NEW =
      RawAesKeyring.builder().keyNamespace("properties").keyName("new").wrappingKey(TestKeys.sequentialKey(16)).build();
  static final Set<Class<? extends EnvelopeException>> TAMPERED = Set.of(
      MalformedMessageException.class, AuthenticationFailedException.class, NoMatchingKeyException.class,
      PolicyViolationException.class);
  static final EncryptionContext CONTEXT = EncryptionContext.of("purpose", "rewrap property");
  static final List<byte[]> SAMPLES = samples();

  static Envelope reader(Keyring keyring) {
    return Envelope.builder().keyring(keyring).commitmentPolicy(CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT).build();
  }

  static List<byte[]> samples() {
    byte[] plaintext = Messages.plaintext(40);
    return List.of(
        Messages.envelope(OLD, AlgorithmSuite.AES_256_GCM_IV12_TAG16_HKDF_SHA256, 16).encrypt(plaintext, CONTEXT),
        Messages.envelope(OLD, AlgorithmSuite.AES_128_GCM_IV12_TAG16_NO_KDF, 16).encrypt(plaintext, CONTEXT),
        Messages.nonFramedEnvelope(OLD, AlgorithmSuite.AES_256_GCM_IV12_TAG16_HKDF_SHA256).encrypt(plaintext, CONTEXT));
  }

  @Provide
  Arbitrary<AlgorithmSuite> suites() {
    return Arbitraries.of(AlgorithmSuite.values());
  }

  @Provide
  Arbitrary<EncryptionContext> contexts() {
    return Generators.contexts(3);
  }

  @Property(tries = 60)
  void rewrapThenDecrypt_equalsDecrypt(
      @ForAll @Size(max = 300) byte[] plaintext,
      @ForAll("contexts") EncryptionContext context,
      @ForAll @IntRange(min = 1, max = 64) int frameSize,
      @ForAll("suites") AlgorithmSuite suite,
      @ForAll boolean stream) {
    byte[] message = Messages.envelope(OLD, suite, frameSize).encrypt(plaintext, context);
    RewrapRequest request = !suite.isSigned() && suite.messageFormatVersion() == 1
        ? RewrapRequest.to(NEW).build()
        : RewrapRequest.to(NEW).reencrypt().build();
    byte[] rewrapped;
    if (stream) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      reader(OLD).rewrap(new ByteArrayInputStream(message), out, context, request);
      rewrapped = out.toByteArray();
    } else {
      rewrapped = reader(OLD).rewrap(message, context, request);
    }
    Decrypted before = reader(OLD).decrypt(message, context);
    Decrypted after = reader(NEW).decrypt(rewrapped, context);
    assertArrayEquals(before.plaintext(), after.plaintext());
    Set<String> publicKey = Set.of(EncryptionContext.PUBLIC_KEY_FIELD);
    assertEquals(before.encryptionContext().removeKeys(publicKey), after.encryptionContext().removeKeys(publicKey));
    // In place, and re-encrypted when the policy may write the suite; else upgraded to its default.
    CommitmentPolicy policy = CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT;
    boolean inPlace = !request.reencrypts();
    assertEquals(inPlace || policy.allowsEncrypt(suite) ? suite : policy.defaultSuite(), after.algorithmSuite());
  }

  @Provide
  Arbitrary<int[]> bits() {
    return Arbitraries.integers().between(0, SAMPLES.size() - 1)
        .flatMap(s -> Arbitraries.integers().between(0, SAMPLES.get(s).length * 8 - 1).map(bit -> new int[] {s, bit}));
  }

  /** A flipped bit anywhere makes an in-memory rewrap fail; in the header, a streamed one too, writing nothing. */
  @Property(tries = 400)
  void rewrap_anyBitFlip_failsWithNoOutput(@ForAll("bits") int[] at) {
    byte[] message = SAMPLES.get(at[0]);
    byte[] tampered = Messages.flipBit(message, at[1]);
    RewrapRequest request = RewrapRequest.to(NEW).build();
    Throwable thrown = failure(() -> reader(OLD).rewrap(tampered, CONTEXT, request));
    if (!(thrown instanceof IllegalArgumentException)) {
      assertRejected("rewrap bit " + at[1], TAMPERED, () -> { throw thrown; });
    } else {
      // A flipped suite id may name a signing suite, which rewrap refuses before any key is used.
      assertTrue(Envelope.inspectUnauthenticated(tampered).algorithmSuite().isSigned(), thrown.getMessage());
    }
    if (at[1] / 8 < Messages.headerLength(message)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      Throwable streamed = failure(() -> reader(OLD).rewrap(new ByteArrayInputStream(tampered), out, CONTEXT, request));
      assertTrue(streamed instanceof EnvelopeException || streamed instanceof IllegalArgumentException, String.valueOf(streamed));
      assertEquals(0, out.size(), "bytes written for a tampered header");
    }
  }

  /** A truncated message fails both ways as malformed. */
  @Property(tries = 200)
  void rewrap_anyTruncation_failsAsMalformed(@ForAll("bits") int[] at) {
    byte[] truncated = Arrays.copyOf(SAMPLES.get(at[0]), at[1] / 8);
    RewrapRequest request = RewrapRequest.to(NEW).build();
    Set<Class<? extends EnvelopeException>> malformed = Set.of(MalformedMessageException.class);
    assertRejected("rewrap", malformed, () -> reader(OLD).rewrap(truncated, CONTEXT, request));
    assertRejected("stream", malformed,
        () -> reader(OLD).rewrap(new ByteArrayInputStream(truncated), new ByteArrayOutputStream(), CONTEXT, request));
  }

  private static Throwable failure(Rejections.Action action) {
    try {
      action.run();
    } catch (Throwable t) {
      return t;
    }
    throw new AssertionError("accepted, but must be rejected");
  }

  /** Any range read through a plaintext channel equals that slice of the plaintext. */
  @Property(tries = 100)
  void plaintextChannel_anyRange_equalsTheSlice(
      @ForAll @IntRange(max = 2000) int size,
      @ForAll @IntRange(min = 1, max = 300) int frameSize,
      @ForAll @IntRange(max = 2100) int first,
      @ForAll @IntRange(max = 700) int length,
      @ForAll boolean committing) throws Exception {
    AlgorithmSuite suite = committing
        ? AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY : AlgorithmSuite.AES_256_GCM_IV12_TAG16_HKDF_SHA256;
    byte[] plaintext = Messages.plaintext(size);
    byte[] message = Messages.envelope(OLD, suite, frameSize).encrypt(plaintext, CONTEXT);
    try (SeekableByteChannel channel = reader(OLD).openPlaintextChannel(new ByteArrayChannel(message), CONTEXT)) {
      channel.position(first);
      ByteBuffer buffer = ByteBuffer.allocate(length);
      while (buffer.hasRemaining() && channel.read(buffer) > 0) {
        // read until full or at the end
      }
      int from = Math.min(first, size);
      int to = Math.min(size, first + length);
      assertArrayEquals(Arrays.copyOfRange(plaintext, from, to), Arrays.copyOf(buffer.array(), buffer.position()));
    }
  }
}
